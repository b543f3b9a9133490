import { createTokenInput } from "@/contracts/token-scopes";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/services/admin/api-tokens";
import { auditFacets, listAuditLog } from "@/server/services/admin/audit-log";
import {
  listAuditInput,
  listUsersInput,
  revokeTokenInput,
  setUserRoleInput,
  setUserTeamInput,
} from "@/server/services/admin/schemas";
import { listTeams, listUsers, setUserRole, setUserTeam } from "@/server/services/admin/users";
import { createTRPCRouter, procedureWith } from "@/server/api/trpc";

const manageUsers = procedureWith("users:manage");
const readAudit = procedureWith("audit:read");
const ownTokens = procedureWith("tokens:own");

export const adminRouter = createTRPCRouter({
  users: manageUsers.input(listUsersInput).query(({ ctx, input }) => listUsers(ctx.service, input)),
  setUserRole: manageUsers.input(setUserRoleInput).mutation(({ ctx, input }) => setUserRole(ctx.service, input)),
  setUserTeam: manageUsers.input(setUserTeamInput).mutation(({ ctx, input }) => setUserTeam(ctx.service, input)),
  teams: manageUsers.query(({ ctx }) => listTeams(ctx.service)),
  audit: readAudit.input(listAuditInput).query(({ ctx, input }) => listAuditLog(ctx.service, input)),
  auditFacets: readAudit.query(({ ctx }) => auditFacets(ctx.service)),
  tokens: createTRPCRouter({
    list: ownTokens.query(({ ctx }) => listApiTokens(ctx.service)),
    create: ownTokens.input(createTokenInput).mutation(({ ctx, input }) => createApiToken(ctx.service, input)),
    revoke: ownTokens.input(revokeTokenInput).mutation(({ ctx, input }) => revokeApiToken(ctx.service, input.tokenId)),
  }),
});
