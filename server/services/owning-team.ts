import { badRequest, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";

/**
 * The team that owns something being created: the one named (it must exist), else the creator's own; a creator of no
 * team must name one. `what` says what is being created, for that message.
 */
export async function owningTeamId(
  ctx: Pick<ServiceContext, "db" | "actor">,
  teamName: string | undefined,
  what: string,
): Promise<string> {
  if (teamName !== undefined) {
    const team = await ctx.db.team.findUnique({ where: { name: teamName }, select: { id: true } });
    if (!team) throw notFound(`Team "${teamName}"`);
    return team.id;
  }
  const actor = await ctx.db.user.findUnique({ where: { id: ctx.actor.userId }, select: { teamId: true } });
  if (!actor?.teamId) throw badRequest(`You belong to no team: name the team that owns this ${what}`);
  return actor.teamId;
}
