import { createTokenInput } from "@/contracts/token-scopes";
import { z } from "zod";
import {
  createApiToken,
  listAllApiTokens,
  listApiTokens,
  revokeAnyApiToken,
  revokeApiToken,
} from "@/server/services/admin/api-tokens";
import { sessionPolicy } from "@/server/auth/session-policy";
import { endUserSessions, listUserSessions } from "@/server/services/admin/sessions";
import { auditFacets, listAuditLog } from "@/server/services/admin/audit-log";
import {
  allTokensPageOutput,
  apiTokenListOutput,
  endUserSessionsInput,
  listAllTokensInput,
  sessionEndOutput,
  userSessionListOutput,
  userSessionsInput,
  auditFacetsOutput,
  auditPageOutput,
  createdApiTokenOutput,
  listAuditInput,
  listUsersInput,
  revokeTokenInput,
  setUserRoleInput,
  setUserTeamInput,
  teamListOutput,
  userListOutput,
  userRoleChangeOutput,
  userTeamChangeOutput,
} from "@/server/services/admin/schemas";
import { listTeams, listUsers, setUserRole, setUserTeam } from "@/server/services/admin/users";
import { createTRPCRouter, procedureWith } from "@/server/api/trpc";

const manageUsers = procedureWith("users:manage");
const readAudit = procedureWith("audit:read");
const ownTokens = procedureWith("tokens:own");
const manageTokens = procedureWith("tokens:manage");

export const adminRouter = createTRPCRouter({
  users: manageUsers
    .input(listUsersInput)
    .output(userListOutput)
    .query(({ ctx, input }) => listUsers(ctx.service, input)),
  setUserRole: manageUsers
    .input(setUserRoleInput)
    .output(userRoleChangeOutput)
    .mutation(({ ctx, input }) => setUserRole(ctx.service, input)),
  setUserTeam: manageUsers
    .input(setUserTeamInput)
    .output(userTeamChangeOutput)
    .mutation(({ ctx, input }) => setUserTeam(ctx.service, input)),
  sessions: manageUsers
    .input(userSessionsInput)
    .output(userSessionListOutput)
    .query(({ ctx, input }) => listUserSessions(ctx.service, input, sessionPolicy())),
  endSessions: manageUsers
    .input(endUserSessionsInput)
    .output(sessionEndOutput)
    .mutation(({ ctx, input }) => endUserSessions(ctx.service, input)),
  teams: manageUsers.output(teamListOutput).query(({ ctx }) => listTeams(ctx.service)),
  audit: readAudit
    .input(listAuditInput)
    .output(auditPageOutput)
    .query(({ ctx, input }) => listAuditLog(ctx.service, input)),
  auditFacets: readAudit.output(auditFacetsOutput).query(({ ctx }) => auditFacets(ctx.service)),
  tokens: createTRPCRouter({
    list: ownTokens.output(apiTokenListOutput).query(({ ctx }) => listApiTokens(ctx.service)),
    create: ownTokens
      .input(createTokenInput)
      .output(createdApiTokenOutput)
      .mutation(({ ctx, input }) => createApiToken(ctx.service, input)),
    revoke: ownTokens
      .input(revokeTokenInput)
      .output(z.void())
      .mutation(({ ctx, input }) => revokeApiToken(ctx.service, input.tokenId)),
    all: manageTokens
      .input(listAllTokensInput)
      .output(allTokensPageOutput)
      .query(({ ctx, input }) => listAllApiTokens(ctx.service, input)),
    revokeAny: manageTokens
      .input(revokeTokenInput)
      .output(z.void())
      .mutation(({ ctx, input }) => revokeAnyApiToken(ctx.service, input.tokenId)),
  }),
});
