import { enabledSignInMethods } from "@/server/auth/options";
import { can } from "@/server/auth/roles";
import { listDemoUsers } from "@/server/services/admin/demo-users";
import { demoUserListOutput, permissionSchema, sessionUserOutput } from "@/server/services/admin/schemas";
import { authedProcedure, createTRPCRouter, publicProcedure } from "@/server/api/trpc";

export const sessionRouter = createTRPCRouter({
  /** The signed-in person and what they may do, so the UI can hide controls they cannot use. */
  me: authedProcedure.output(sessionUserOutput).query(({ ctx }) => {
    const permissions = permissionSchema.options.filter((p) => can(ctx.user.role, p));
    return {
      id: ctx.user.id,
      name: ctx.user.name,
      email: ctx.user.email,
      role: ctx.user.role,
      team: ctx.user.team?.name ?? null,
      teamId: ctx.user.teamId,
      permissions,
    };
  }),
  /** The people the development sign-in offers; nobody at all unless that sign-in is enabled. */
  demoUsers: publicProcedure
    .output(demoUserListOutput)
    .query(({ ctx }) => (enabledSignInMethods().dev ? listDemoUsers(ctx.system) : [])),
});
