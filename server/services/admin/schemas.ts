import { z } from "zod";
import { ROLES } from "@/server/auth/roles";
import { MAX_TOKEN_DAYS, MAX_TOKEN_NAME, TOKEN_SCOPES } from "@/server/services/admin/token-scopes";

export const listUsersInput = z.object({
  search: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  teamId: z.string().min(1).optional(),
  page: z.number().int().min(1).default(1),
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

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(MAX_TOKEN_NAME),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Pick at least one scope"),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
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
