import type { DeploymentTargetKind } from "@/contracts/enums";
import type { ReadContext } from "@/server/services/context";

export type EndpointOwner = {
  endpointId: string;
  endpointName: string;
  modelName: string;
  teamId: string;
  teamName: string;
  target: DeploymentTargetKind;
};

/** Who owns each endpoint name Prometheus reports (endpoint → model → team), for grouping costs. */
export async function endpointOwners(ctx: ReadContext, names: string[]): Promise<Map<string, EndpointOwner>> {
  if (names.length === 0) return new Map();
  const endpoints = await ctx.db.endpoint.findMany({
    where: { name: { in: names } },
    select: {
      id: true,
      name: true,
      target: true,
      model: { select: { name: true, team: { select: { id: true, name: true } } } },
    },
  });
  return new Map(
    endpoints.map((e) => [
      e.name,
      {
        endpointId: e.id,
        endpointName: e.name,
        modelName: e.model.name,
        teamId: e.model.team.id,
        teamName: e.model.team.name,
        target: e.target,
      },
    ]),
  );
}
