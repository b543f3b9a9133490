import { decideChange, type Owner } from "@/contracts/ownership";
import type { Actor } from "@/server/auth/actor";
import { AppError, notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";

/**
 * Who owns what a mutation changes, resolved by small loaders, and the one check every mutating tRPC procedure
 * (`ownedProcedure`) and REST endpoint (`owner` on its spec) runs before the service writes anything. The policy
 * itself, with its rules for admins, legacy experiments, approvals, rollbacks and budgets, is `decideChange` in
 * contracts/ownership.ts (the browser uses it to hide buttons; only this check decides).
 */

export type { Owner } from "@/contracts/ownership";

/** The context a loader needs: the database, and who asks (for things created in the actor's team). */
export type OwnerContext = ReadContext & { actor: Actor };

/** Refuses (FORBIDDEN, naming the owning team) unless the actor may change what `owner` owns. */
export function assertMayChange(actor: Actor, owner: Owner): void {
  const decision = decideChange(actor, owner);
  if (!decision.allowed) throw new AppError("FORBIDDEN", decision.reason, { owner });
}

type TeamRow = { id: string; name: string };

const teamOwner = (team: TeamRow, what: string): Owner => ({
  kind: "team",
  teamId: team.id,
  teamName: team.name,
  what,
});

const teamSelect = { select: { id: true, name: true } } as const;

export async function ownerOfModel(ctx: ReadContext, name: string): Promise<Owner> {
  const model = await ctx.db.registeredModel.findUnique({ where: { name }, select: { team: teamSelect } });
  if (!model) throw notFound(`Model "${name}"`);
  return teamOwner(model.team, `Model "${name}"`);
}

export async function ownerOfTeam(ctx: ReadContext, teamId: string): Promise<Owner> {
  const team = await ctx.db.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } });
  if (!team) throw notFound("Team");
  return teamOwner(team, `The budget of team "${team.name}"`);
}

/**
 * The team a new model or experiment will belong to: the one named (it must exist), else the actor's own; with
 * neither it is unowned (only admins may go on, and the service then asks for a team where it needs one).
 */
export async function ownerOfNew(ctx: OwnerContext, what: string, teamName: string | undefined): Promise<Owner> {
  if (teamName !== undefined) {
    const team = await ctx.db.team.findUnique({ where: { name: teamName }, select: { id: true, name: true } });
    if (!team) throw notFound(`Team "${teamName}"`);
    return teamOwner(team, what);
  }
  const { teamId } = ctx.actor;
  const team = teamId
    ? await ctx.db.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } })
    : null;
  return team ? teamOwner(team, what) : { kind: "unowned", what };
}

type ExperimentRow = { name: string; createdById: string; team: TeamRow | null };

function experimentOwner(experiment: ExperimentRow, what = `Experiment "${experiment.name}"`): Owner {
  return experiment.team
    ? teamOwner(experiment.team, what)
    : { kind: "legacy", createdById: experiment.createdById, what };
}

const experimentSelect = { name: true, createdById: true, team: teamSelect } as const;

export async function ownerOfExperiment(ctx: ReadContext, experimentId: string): Promise<Owner> {
  const experiment = await ctx.db.experiment.findUnique({ where: { id: experimentId }, select: experimentSelect });
  if (!experiment) throw notFound("Experiment");
  return experimentOwner(experiment);
}

/** For starting a run: the experiment's owner, or (for a name not yet used) the team it will be created in. */
export async function ownerOfRunTarget(
  ctx: OwnerContext,
  ref: { experimentId?: string; experimentName?: string },
): Promise<Owner> {
  if (ref.experimentId !== undefined) return ownerOfExperiment(ctx, ref.experimentId);
  const name = ref.experimentName ?? "";
  const experiment = await ctx.db.experiment.findUnique({ where: { name }, select: experimentSelect });
  return experiment ? experimentOwner(experiment) : ownerOfNew(ctx, `Experiment "${name}"`, undefined);
}

export async function ownerOfRun(ctx: ReadContext, runId: string): Promise<Owner> {
  const run = await ctx.db.run.findUnique({
    where: { id: runId },
    select: { experiment: { select: experimentSelect } },
  });
  if (!run) throw notFound("Run");
  return experimentOwner(run.experiment, `Run ${runId} (experiment "${run.experiment.name}")`);
}

const modelTeamSelect = { select: { name: true, team: teamSelect } } as const;

export async function ownerOfEndpoint(ctx: ReadContext, endpointId: string): Promise<Owner> {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: endpointId },
    select: { name: true, model: modelTeamSelect },
  });
  if (!endpoint) throw notFound("Endpoint");
  return teamOwner(endpoint.model.team, `Endpoint ${endpoint.name}`);
}

/** The same, for an endpoint named in a REST path (e.g. feedback). */
export async function ownerOfEndpointNamed(ctx: ReadContext, name: string): Promise<Owner> {
  const endpoint = await ctx.db.endpoint.findUnique({ where: { name }, select: { model: modelTeamSelect } });
  if (!endpoint) throw notFound(`Endpoint "${name}"`);
  return teamOwner(endpoint.model.team, `Endpoint ${name}`);
}

/** A feature group's values are its team's data: only they (or an admin) write them. */
export async function ownerOfFeatureGroupNamed(ctx: ReadContext, name: string): Promise<Owner> {
  const group = await ctx.db.featureGroup.findUnique({ where: { name }, select: { team: teamSelect } });
  if (!group) throw notFound(`Feature group "${name}"`);
  return teamOwner(group.team, `Feature group "${name}"`);
}

/** An asynchronous invocation belongs to its endpoint's team: only they (or an admin) read its result. */
export async function ownerOfAsyncInvocation(ctx: ReadContext, invocationId: string): Promise<Owner> {
  const invocation = await ctx.db.asyncInvocation.findUnique({
    where: { id: invocationId },
    select: { endpoint: { select: { name: true, model: modelTeamSelect } } },
  });
  if (!invocation) throw notFound("Asynchronous invocation");
  return teamOwner(
    invocation.endpoint.model.team,
    `Invocation ${invocationId} of endpoint ${invocation.endpoint.name}`,
  );
}

export async function ownerOfAbTest(ctx: ReadContext, testId: string): Promise<Owner> {
  const test = await ctx.db.abTest.findUnique({
    where: { id: testId },
    select: { name: true, endpoint: { select: { name: true, model: modelTeamSelect } } },
  });
  if (!test) throw notFound("A/B test");
  return teamOwner(test.endpoint.model.team, `A/B test "${test.name}" on ${test.endpoint.name}`);
}

export async function ownerOfDeployment(ctx: ReadContext, deploymentId: string): Promise<Owner> {
  const deployment = await ctx.db.deployment.findUnique({
    where: { id: deploymentId },
    select: { endpoint: { select: { name: true, model: modelTeamSelect } } },
  });
  if (!deployment) throw notFound("Deployment");
  return teamOwner(deployment.endpoint.model.team, `The deployment to ${deployment.endpoint.name}`);
}

export async function ownerOfPromotion(ctx: ReadContext, promotionId: string): Promise<Owner> {
  const promotion = await ctx.db.promotion.findUnique({
    where: { id: promotionId },
    select: { version: { select: { version: true, model: modelTeamSelect } } },
  });
  if (!promotion) throw notFound("Promotion");
  const { version } = promotion;
  return teamOwner(version.model.team, `The promotion of "${version.model.name}" v${version.version}`);
}

/** A team's alert belongs to it; an endpoint's alert to the endpoint's model's team; any other only to admins. */
export async function ownerOfAlert(ctx: ReadContext, alertId: string): Promise<Owner> {
  const alert = await ctx.db.alert.findUnique({
    where: { id: alertId },
    select: { title: true, team: teamSelect, endpoint: { select: { model: modelTeamSelect } } },
  });
  if (!alert) throw notFound("Alert");
  const team = alert.team ?? alert.endpoint?.model.team;
  const what = `The alert "${alert.title}"`;
  return team ? teamOwner(team, what) : { kind: "unowned", what };
}

export async function ownerOfBatchJob(ctx: ReadContext, jobId: string): Promise<Owner> {
  const job = await ctx.db.batchJob.findUnique({
    where: { id: jobId },
    select: { version: { select: { model: modelTeamSelect } } },
  });
  if (!job) throw notFound("Batch job");
  return teamOwner(job.version.model.team, `The batch jobs of model "${job.version.model.name}"`);
}
