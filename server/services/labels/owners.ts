import type { Owner } from "@/contracts/ownership";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";

/**
 * Who owns a label queue and its items: the model's team (admins may act on any). Loaders for the tRPC ownership
 * tier (`ownedProcedure`), in the style of server/auth/ownership.ts.
 */

const modelTeam = { select: { name: true, team: { select: { id: true, name: true } } } } as const;

export async function ownerOfLabelQueue(ctx: ReadContext, queueId: string): Promise<Owner> {
  const queue = await ctx.db.labelQueue.findUnique({
    where: { id: queueId },
    select: { name: true, model: modelTeam },
  });
  if (!queue) throw notFound("Label queue");
  const { team, name } = queue.model;
  return { kind: "team", teamId: team.id, teamName: team.name, what: `Label queue "${queue.name}" of "${name}"` };
}

export async function ownerOfLabelItem(ctx: ReadContext, itemId: string): Promise<Owner> {
  const item = await ctx.db.labelItem.findUnique({ where: { id: itemId }, select: { queueId: true } });
  if (!item) throw notFound("Label item");
  return ownerOfLabelQueue(ctx, item.queueId);
}

/** An endpoint named in a REST path belongs to its model's team. */
export async function ownerOfEndpointNamed(ctx: ReadContext, endpointName: string): Promise<Owner> {
  const endpoint = await ctx.db.endpoint.findUnique({ where: { name: endpointName }, select: { model: modelTeam } });
  if (!endpoint) throw notFound(`Endpoint "${endpointName}"`);
  const { team } = endpoint.model;
  return { kind: "team", teamId: team.id, teamName: team.name, what: `Endpoint ${endpointName}` };
}
