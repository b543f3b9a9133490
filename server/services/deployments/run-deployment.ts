import { errorMessage } from "@/lib/error-message";
import { z } from "zod";
import type { Db } from "@/server/db/client";
import type { DeploymentTarget, EndpointSpec } from "@/server/integrations/targets/deployment-target";
import { rolloutStrategySchema, type PromotionStrategy } from "@/contracts/deployments";
import {
  AwaitingDecision,
  decisionStepOf,
  DeploymentFailure,
  isPermanentFailure,
  stepRunner,
  type StepAttempt,
  type StepRunner,
} from "@/server/services/deployments/deployment-steps";
import { guardrailMarkSchema, type GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import { acquireLease, LeaseLost, type Lease } from "@/server/services/deployments/deployment-lease";
import {
  applyWithSettings,
  loadDeployment,
  recordVariants,
  toVariantSpec,
  versionInclude,
  type LoadedDeployment,
} from "@/server/services/deployments/endpoint-variants";
import {
  finishDeployment,
  IN_PROGRESS,
  type AttemptInfo,
  type DeploymentRuntime,
  type RunOutcome,
} from "@/server/services/deployments/deployment-run";
import { DEFAULT_GUARDRAILS, guardrailBreach } from "@/server/services/deployments/guardrails";
import { capturePriorState, priorStateSchema, type PriorState } from "@/server/services/deployments/prior-state";
import { waitHealthy } from "@/server/services/deployments/wait-healthy";
import { rollBackDeployment } from "@/server/services/deployments/roll-back";
import { rolloutSteps, splitTraffic } from "@/server/services/deployments/rollout-plan";
import { moveAliasForRelease } from "@/server/services/registry/set-alias";
import { actorOf } from "@/server/auth/actor";
import { asyncServingSchema } from "@/contracts/async-serving";
import { SERVING_MODE_LABELS } from "@/contracts/serving-modes";
import {
  appliesServingMode,
  asyncServingFor,
  setReleaseServingMode,
} from "@/server/services/deployments/apply-serving-mode";
import { readSla } from "@/server/services/registry/version-sla";
import { modeMismatch } from "@/server/services/deployments/serving-mode-check";

const ALIAS = { STAGING: "staging", PRODUCTION: "production" } as const;

/**
 * Runs a deployment's state machine: record what the endpoint serves → validate the artifact → put the candidate on
 * the endpoint → wait until healthy → shift traffic step by step, baking each step while watching the candidate's
 * guardrails (or let a target with native blue/green do the shift) → move the environment's alias. Every step is
 * recorded and skipped when it already succeeded, so a resumed job never repeats one. A failure persists the
 * decision to roll back (ROLLING_BACK) before restoring the recorded prior state; a retried job resumes the
 * rollback, never the rollout. Every path ends in SUCCEEDED, ROLLED_BACK or FAILED.
 */
export async function runDeployment(
  database: Db,
  deploymentId: string,
  runtime: DeploymentRuntime,
  attempt: AttemptInfo = { attempt: 1, lastAttempt: true },
): Promise<RunOutcome> {
  const row = await database.deployment.findUnique({ where: { id: deploymentId }, select: { status: true } });
  // A job outliving its deployment (a dropped database, a queue that kept old jobs) has nothing left to do.
  if (!row) return "MISSING";
  if (!IN_PROGRESS.includes(row.status)) return row.status;
  const lease = await acquireLease(database, deploymentId, runtime.lease, runtime.sleep);
  if (!lease) return (await database.deployment.findUnique({ where: { id: deploymentId } }))?.status ?? "MISSING";
  try {
    return await drive(database, deploymentId, runtime, lease, attempt);
  } catch (error) {
    if (error instanceof LeaseLost) return "SUPERSEDED";
    throw error;
  } finally {
    await lease.release();
  }
}

async function drive(database: Db, deploymentId: string, runtime: DeploymentRuntime, lease: Lease, info: AttemptInfo) {
  const deployment = await loadDeployment(database, deploymentId);
  if (!deployment) return "MISSING" as const;
  if (!IN_PROGRESS.includes(deployment.status)) return deployment.status;
  const steps = stepRunner(database, deploymentId, lease.fence);
  if (deployment.status !== "ROLLING_BACK") {
    await markRunning(database, deployment, runtime.lease.owner);
    try {
      await deploySteps(database, deployment, runtime, steps, lease);
      await finishDeployment(database, deployment, runtime.lease.owner, "SUCCEEDED", null);
      return "SUCCEEDED" as const;
    } catch (error) {
      if (error instanceof LeaseLost) throw error;
      if (error instanceof AwaitingDecision) {
        await waitForDecision(database, deploymentId, runtime.lease.owner);
        return "AWAITING_DECISION" as const;
      }
      if (!isPermanentFailure(error) && !info.lastAttempt) throw error;
      const reason = isPermanentFailure(error)
        ? error.message
        : `Gave up after ${info.attempt} attempts: ${errorMessage(error)}`;
      await beginRollBack(database, deploymentId, runtime.lease.owner, reason);
    }
  }
  return rollBackDeployment(database, deploymentId, { runtime, steps, signal: lease.signal, fence: lease.fence, info });
}

async function markRunning(database: Db, deployment: LoadedDeployment, owner: string) {
  await database.$transaction(async (tx) => {
    const marked = await tx.deployment.updateMany({
      where: { id: deployment.id, leaseOwner: owner, status: { in: ["QUEUED", "RUNNING"] } },
      data: { status: "RUNNING", startedAt: deployment.startedAt ?? new Date() },
    });
    if (marked.count !== 1) throw new LeaseLost(`Deployment ${deployment.id}`);
    await tx.promotion.update({ where: { id: deployment.promotionId }, data: { status: "DEPLOYING" } });
  });
}

/** Parks the deployment for a person's decision (deployments.decideRollout re-queues it); the endpoint stays as it is. */
async function waitForDecision(database: Db, deploymentId: string, owner: string) {
  const parked = await database.deployment.updateMany({
    where: { id: deploymentId, leaseOwner: owner, status: "RUNNING" },
    data: { status: "AWAITING_DECISION" },
  });
  if (parked.count !== 1) throw new LeaseLost(`Deployment ${deploymentId}`);
}

/** Persists the decision to roll back, and why, before anything is undone: a crash from here on resumes the rollback. */
async function beginRollBack(database: Db, deploymentId: string, owner: string, reason: string) {
  const marked = await database.deployment.updateMany({
    where: { id: deploymentId, leaseOwner: owner, status: "RUNNING" },
    data: { status: "ROLLING_BACK", failureReason: reason.slice(0, 2000) },
  });
  if (marked.count !== 1) throw new LeaseLost(`Deployment ${deploymentId}`);
}

async function deploySteps(
  database: Db,
  deployment: LoadedDeployment,
  runtime: DeploymentRuntime,
  steps: StepRunner,
  { signal, fence }: Pick<Lease, "signal" | "fence">,
) {
  const { endpoint, promotion } = deployment;
  const kind = endpoint.target;
  const target = runtime.target(kind);
  const strategy = rolloutStrategySchema.parse(promotion.strategy);
  const candidateName = target.variantName(promotion.version.model.name, promotion.version.version);

  const prior = priorStateSchema.parse(
    await steps("record-prior-state", async () => {
      const serving = endpoint.asyncServing === null ? null : asyncServingSchema.parse(endpoint.asyncServing);
      const state = await capturePriorState(target, endpoint.name, endpoint.variants, serving);
      await database.deployment.update({ where: { id: deployment.id }, data: { priorState: state } });
      return state;
    }),
  );

  await steps("validate-artifact", async () => {
    const sha256 = promotion.version.artifact?.sha256;
    if (!sha256 || !(await runtime.artifactExists(sha256)))
      throw new DeploymentFailure("The artifact's bytes are missing from the artifact store");
    return { sha256 };
  });
  const mode = promotion.servingMode;
  if (mode !== null && appliesServingMode(mode, kind))
    await steps("apply-serving-mode", async (attempt) => {
      // The SLA may have changed since the approval: what is applied still fits, or nothing is.
      const mismatch = modeMismatch(kind, promotion.version, mode, runtime.settings?.asyncInference);
      if (mismatch) throw new DeploymentFailure(mismatch.message);
      const serving = asyncServingFor(mode, prior.asyncServing ?? null, readSla(promotion.version.sla));
      // Saved before the write, so a rollback knows what this release wrote even if it stopped right after.
      await attempt.saveCheckpoint({ mode, asyncServing: serving });
      const why = `Deployment ${deployment.id} serves ${SERVING_MODE_LABELS[mode].toLowerCase()}`;
      const release = { endpointId: endpoint.id, requestedById: promotion.requestedById, why, fence };
      await setReleaseServingMode(database, release, serving);
      return { mode, asyncServing: serving };
    });
  // Where the target reads the bytes from is resolved once (a download for a runtime that loads from disk).
  const candidateSpec = await toVariantSpec(
    promotion.version,
    { variantName: candidateName, weight: 0 },
    kind,
    runtime.artifactUri,
  );
  const candidate = (weight: number, sizing?: { instanceType: string; instanceCount: number }) => ({
    ...candidateSpec,
    weight,
    ...sizing,
  });

  if (target.trafficShifting === "native") {
    await nativeRollout(database, deployment, runtime, { target, prior, steps, signal, candidate, strategy });
  } else {
    await stepwiseRollout(database, deployment, runtime, { target, prior, steps, signal, candidate, strategy });
  }

  await steps("move-alias", async () => {
    const alias = ALIAS[promotion.environment];
    const current = await database.modelAlias.findUnique({
      where: { modelId_alias: { modelId: promotion.version.modelId, alias } },
    });
    if (current?.versionId !== promotion.versionId) {
      const requester = await database.user.findUniqueOrThrow({
        where: { id: promotion.requestedById },
        select: { id: true, role: true, teamId: true },
      });
      await moveAliasForRelease({ db: database, actor: actorOf(requester) }, promotion.version.model.name, alias, {
        version: promotion.version.version,
        reason: `Deployment ${deployment.id} to ${endpoint.name} succeeded: ${promotion.reason}`.slice(0, 500),
      });
    }
    return { alias };
  });
}

type Rollout = {
  target: DeploymentTarget;
  strategy: PromotionStrategy;
  prior: PriorState;
  steps: StepRunner;
  signal: AbortSignal;
  candidate: (weight: number, sizing?: { instanceType: string; instanceCount: number }) => EndpointSpec["variants"][0];
};

/** One apply carries the whole blue/green shift; the target bakes, watches its alarms and rolls back by itself. */
async function nativeRollout(database: Db, deployment: LoadedDeployment, runtime: DeploymentRuntime, rollout: Rollout) {
  const { target, prior, steps, signal, candidate } = rollout;
  const { endpoint, promotion } = deployment;
  const slot = prior.variants.find((v) => v.variantName === candidate(0).variantName);
  const spec = candidate(
    100,
    slot ? { instanceType: slot.instanceType, instanceCount: slot.instanceCount } : undefined,
  );
  await steps("apply-endpoint", async () => {
    await applyWithSettings(
      database,
      target,
      endpoint.id,
      { endpointName: endpoint.name, variants: [spec] },
      { rollout: rollout.strategy, signal },
    );
    return { variants: [spec.variantName] };
  });
  await steps("wait-healthy", async () => ({ status: (await waitHealthy(target, endpoint.name, signal)).status }));
  await verifyNativeRollout(database, deployment, rollout, runtime);
  await steps("finalize", async () => {
    await recordVariants(database, endpoint.id, [
      { versionId: promotion.versionId, variantName: spec.variantName, weight: 100, sizing: target.sizing(spec) },
    ]);
    return { variants: [spec.variantName] };
  });
}

/**
 * The portal's own reading of a native rollout, once the target finished it: the candidate serves all of the
 * variant's traffic, watched for as long as the rollout's longest bake and judged by the same guardrails and minimum
 * request count as a stepwise bake. A breach rolls the release back to the recorded prior state; too few requests
 * extend the watch, then the rollout policy decides. All-at-once has no bake and is not watched.
 */
async function verifyNativeRollout(
  database: Db,
  deployment: LoadedDeployment,
  rollout: Rollout,
  runtime: DeploymentRuntime,
) {
  const { endpoint } = deployment;
  const plan = rolloutSteps(rollout.strategy);
  const bakeSeconds = Math.max(...plan.map((step) => step.bakeSeconds));
  if (bakeSeconds === 0) return;
  const name = "bake:1";
  await rollout.steps(name, async (attempt) => {
    const decision = await decisionOn(database, deployment.id, name);
    if (decision) return { checks: 0, judged: false, decision };
    const window = {
      endpointName: endpoint.name,
      variantName: rollout.candidate(0).variantName,
      bakeSeconds,
      signal: rollout.signal,
    };
    return bake(window, attempt, {
      runtime,
      source: runtime.guardrails(endpoint.target),
      tooFewRequests: tooFewRequestsOf(rollout.strategy),
    });
  });
}

/** Adds the candidate at 0%, then moves traffic step by step, baking each step against the guardrails. */
async function stepwiseRollout(
  database: Db,
  deployment: LoadedDeployment,
  runtime: DeploymentRuntime,
  rollout: Rollout,
) {
  const { target, prior, steps, signal, candidate } = rollout;
  const { endpoint, promotion } = deployment;
  const kind = endpoint.target;
  const candidateName = candidate(0).variantName;
  const incumbents = prior.variants.filter((v) => v.variantName !== candidateName);
  const first = incumbents.every((v) => v.weight === 0);
  const incumbentWeights = Object.fromEntries(incumbents.map((v) => [v.variantName, v.weight]));
  const versionIds: Record<string, string> = {
    ...Object.fromEntries(incumbents.map((v) => [v.variantName, v.versionId])),
    [candidateName]: promotion.versionId,
  };

  await steps("apply-endpoint", async () => {
    const versions = await database.modelVersion.findMany({
      where: { id: { in: incumbents.map((v) => v.versionId) } },
      include: versionInclude,
    });
    const byId = new Map(versions.map((v) => [v.id, v]));
    const incumbentSpecs = await Promise.all(
      incumbents.map(async (v) => {
        const version = byId.get(v.versionId);
        if (!version) throw new DeploymentFailure(`The version serving as ${v.variantName} no longer exists`);
        const sizing = { instanceType: v.instanceType, instanceCount: v.instanceCount };
        return toVariantSpec(
          version,
          { variantName: v.variantName, weight: v.weight, sizing },
          kind,
          runtime.artifactUri,
        );
      }),
    );
    // A version already on the endpoint (promoted again) keeps its share until the traffic steps move it.
    const added = candidate(first ? 100 : (prior.variants.find((v) => v.variantName === candidateName)?.weight ?? 0));
    await applyWithSettings(database, target, endpoint.id, {
      endpointName: endpoint.name,
      variants: [...incumbentSpecs, added],
    });
    await recordVariants(database, endpoint.id, [
      ...incumbents.map((v) => ({ versionId: v.versionId, variantName: v.variantName, weight: v.weight })),
      {
        versionId: promotion.versionId,
        variantName: candidateName,
        weight: added.weight,
        sizing: target.sizing(added),
      },
    ]);
    return { variants: [...incumbents.map((v) => v.variantName), candidateName] };
  });

  await steps("wait-healthy", async () => ({ status: (await waitHealthy(target, endpoint.name, signal)).status }));

  const plan = rolloutSteps(rollout.strategy);
  for (const [index, step] of plan.entries()) {
    await steps(`shift-traffic:${index + 1}`, async () => {
      const weights = splitTraffic(candidateName, step.candidatePercent, incumbentWeights);
      await target.setWeights(endpoint.name, weights);
      await recordVariants(
        database,
        endpoint.id,
        Object.entries(weights).map(([variantName, weight]) => ({
          variantName,
          weight,
          versionId: versionIds[variantName] ?? promotion.versionId,
        })),
      );
      return { weights };
    });
    if (step.bakeSeconds > 0) {
      const name = `bake:${index + 1}`;
      await steps(name, async (attempt) => {
        const decision = await decisionOn(database, deployment.id, name);
        if (decision) return { checks: 0, judged: false, decision };
        return bake(
          { endpointName: endpoint.name, variantName: candidateName, bakeSeconds: step.bakeSeconds, signal },
          attempt,
          { runtime, source: runtime.guardrails(kind), tooFewRequests: tooFewRequestsOf(rollout.strategy) },
        );
      });
    }
  }

  await steps("finalize", async () => {
    const final = candidate(100);
    await applyWithSettings(database, target, endpoint.id, { endpointName: endpoint.name, variants: [final] });
    await recordVariants(database, endpoint.id, [
      { versionId: promotion.versionId, variantName: candidateName, weight: 100 },
    ]);
    return { variants: [candidateName] };
  });
}

/** A bake may extend its window this many times over when too few requests reached the candidate to judge it. */
const MAX_BAKE_EXTENSIONS = 2;

type BakeWindow = { endpointName: string; variantName: string; bakeSeconds: number; signal: AbortSignal };
type BakePolicy = { runtime: DeploymentRuntime; source: GuardrailSource; tooFewRequests: "ask" | "roll-back" };

/** The counters a bake differences against: those its first try saved, else taken (and saved) now. */
async function bakeMark(window: BakeWindow, attempt: StepAttempt, source: GuardrailSource) {
  const saved = z.object({ mark: guardrailMarkSchema.nullable() }).safeParse(attempt.checkpoint);
  if (saved.success) return saved.data.mark;
  const mark = await source.mark(window.endpointName, window.variantName);
  await attempt.saveCheckpoint({ mark });
  return mark;
}

/**
 * Watches the candidate's guardrails for the bake time. The window starts at the bake's first try and every reading
 * covers all of it (a retried bake continues the same window and reads from its start, against the counters its first
 * try marked). When the window ends with too few requests to judge, it is extended (up to MAX_BAKE_EXTENSIONS times);
 * after that the rollout policy either rolls back or asks a person.
 */
async function bake(window: BakeWindow, attempt: StepAttempt, policy: BakePolicy) {
  const { runtime, source } = policy;
  const { endpointName, variantName } = window;
  const limits = runtime.limits ?? DEFAULT_GUARDRAILS;
  const mark = await bakeMark(window, attempt, source);
  const bakeMs = window.bakeSeconds * 1000;
  const from = attempt.firstStartedAt;
  const start = from.getTime();
  const lastDeadline = start + bakeMs * (1 + MAX_BAKE_EXTENSIONS);
  let deadline = start + bakeMs;
  let checks = 0;
  let requests = 0;
  for (;;) {
    // At least one reading per window, also when a retry resumes a window that has already ended.
    do {
      if (window.signal.aborted) throw window.signal.reason;
      await runtime.sleep(Math.min(runtime.guardrailPollMs, Math.max(0, deadline - Date.now())));
      const reading = await source.read({ endpointName, variantName, from }, mark);
      checks++;
      requests = reading.requests;
      const breach = guardrailBreach(reading, limits);
      if (breach) throw new DeploymentFailure(`Guardrail breached by ${variantName}: ${breach}`);
    } while (Date.now() < deadline);
    if (requests >= limits.minRequests) return { checks, requests };
    if (deadline >= lastDeadline) break;
    deadline = Math.min(deadline + bakeMs, lastDeadline);
  }
  const seconds = Math.round((Date.now() - start) / 1000);
  const question = `Only ${requests} requests reached ${variantName} in ${seconds} s; at least ${limits.minRequests} are needed to judge it`;
  if (policy.tooFewRequests === "roll-back") throw new DeploymentFailure(`${question} (the rollout policy rolls back)`);
  throw new AwaitingDecision(question);
}

const tooFewRequestsOf = (strategy: PromotionStrategy) =>
  strategy.kind === "all-at-once" ? "roll-back" : strategy.tooFewRequests;

/** A person's decision on a bake that could not judge the candidate, recorded by decideRollout. */
async function decisionOn(database: Db, deploymentId: string, step: string) {
  const event = await database.deploymentEvent.findFirst({
    where: { deploymentId, step: decisionStepOf(step), outcome: "SUCCEEDED" },
    select: { message: true },
  });
  return event ? event.message : null;
}
