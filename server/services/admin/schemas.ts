import { z } from "zod";
import { ROLES } from "@/contracts/enums";

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
