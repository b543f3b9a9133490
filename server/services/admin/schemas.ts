import { z } from "zod";
import { endSessionsReason } from "@/contracts/sessions";
import { auditEntityRefSchema } from "@/contracts/audit-entities";
import { ROLES, roleSchema } from "@/contracts/enums";
import { PERMISSIONS, type Permission } from "@/contracts/permissions";
import { MAX_PAGE } from "@/contracts/limits";

export const listUsersInput = z.object({
  search: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  teamId: z.string().min(1).optional(),
  page: z.number().int().min(1).max(MAX_PAGE).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});

export const setUserRoleInput = z.object({
  userId: z.string().min(1),
  role: z.enum(ROLES),
});

export const setUserTeamInput = z.object({
  userId: z.string().min(1),
  teamId: z.string().min(1).nullable(),
});

const auditId = z.string().regex(/^\d{1,19}$/, "Audit cursors are numeric ids");

export const auditFiltersInput = z.object({
  action: z.string().trim().min(1).max(100).optional(),
  entityType: z.string().trim().min(1).max(100).optional(),
  entityId: z.string().trim().min(1).max(200).optional(),
  actorId: z.string().min(1).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

export const listAuditInput = auditFiltersInput.extend({
  /** Rows older than this id (the next page), or newer than it (the previous page). */
  before: auditId.optional(),
  after: auditId.optional(),
  pageSize: z.number().int().min(1).max(200).default(50),
});

export const revokeTokenInput = z.object({ tokenId: z.string().min(1) });

// Outputs: the response shapes of the admin and session tRPC procedures.

const teamRefOutput = z.object({ id: z.string(), name: z.string() });

export const userListOutput = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      email: z.string(),
      role: roleSchema,
      isDemo: z.boolean(),
      createdAt: z.date(),
      team: teamRefOutput.nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const userRoleChangeOutput = z.object({ id: z.string(), role: roleSchema, changed: z.boolean() });

export const userTeamChangeOutput = z.object({ id: z.string(), teamId: z.string().nullable(), changed: z.boolean() });

export const teamListOutput = z.array(
  teamRefOutput.extend({ isDemo: z.boolean(), _count: z.object({ users: z.number().int() }) }),
);

const auditPersonOutput = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const auditPageOutput = z.object({
  rows: z.array(
    z.object({
      id: z.string(),
      action: z.string(),
      entityType: z.string(),
      entityId: z.string(),
      // Whatever the audited change recorded (JSON columns).
      before: z.unknown(),
      after: z.unknown(),
      createdAt: z.date(),
      tokenId: z.string().nullable(),
      actor: auditPersonOutput.nullable(),
      token: z.object({ id: z.string(), name: z.string().nullable(), prefix: z.string().nullable() }).nullable(),
      entity: auditEntityRefSchema.nullable(),
    }),
  ),
  newerCursor: z.string().nullable(),
  olderCursor: z.string().nullable(),
});

export const auditFacetsOutput = z.object({
  actions: z.array(z.string()),
  entityTypes: z.array(z.string()),
  actors: z.array(auditPersonOutput),
});

export const tokenStatusSchema = z.enum(["active", "expired", "revoked"]);

const apiTokenOutput = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.date(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date(),
  /** Requests per minute on /api/v1; null = the deployment's default. */
  rateLimitPerMinute: z.number().int().nullable(),
  status: tokenStatusSchema,
});

export const apiTokenListOutput = z.array(apiTokenOutput);

export const createdApiTokenOutput = z.object({
  token: apiTokenOutput.pick({
    id: true,
    name: true,
    prefix: true,
    scopes: true,
    expiresAt: true,
    createdAt: true,
    rateLimitPerMinute: true,
  }),
  secret: z.string(),
});

export const permissionSchema = z.enum(Object.keys(PERMISSIONS) as Permission[]);

export const sessionUserOutput = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: roleSchema,
  team: z.string().nullable(),
  /** The person's team now: what they may change (contracts/ownership.ts). */
  teamId: z.string().nullable(),
  permissions: z.array(permissionSchema),
});

export const demoUserListOutput = z.array(
  z.object({ email: z.string(), name: z.string(), roleLabel: z.string(), team: z.string().nullable() }),
);

export const userSessionsInput = z.object({ userId: z.string().min(1).max(64) });

export const endUserSessionsInput = z.object({
  userId: z.string().min(1).max(64),
  reason: endSessionsReason,
});

export const userSessionListOutput = z.array(
  z.object({
    /** The first characters of the session id: enough to tell sessions apart, useless to an attacker. */
    id: z.string(),
    provider: z.string(),
    createdAt: z.date(),
    lastSeenAt: z.date(),
    expiresAt: z.date(),
    endedAt: z.date().nullable(),
    endedReason: z.string().nullable(),
    live: z.boolean(),
  }),
);

export const sessionEndOutput = z.object({ ended: z.number().int().min(0) });

export const listAllTokensInput = z.object({
  /** Only this person's tokens. */
  userId: z.string().min(1).max(64).optional(),
  status: tokenStatusSchema.optional(),
  cursor: z.string().min(1).max(64).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const allTokensPageOutput = z.object({
  tokens: z.array(apiTokenOutput.extend({ owner: z.object({ id: z.string(), name: z.string(), email: z.string() }) })),
  nextCursor: z.string().nullable(),
});
