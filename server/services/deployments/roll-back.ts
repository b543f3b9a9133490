import { errorMessage } from "@/lib/error-message";
import type { Db } from "@/server/db/client";
import type { DeploymentTarget } from "@/server/integrations/targets/deployment-target";
import { DeploymentFailure, isPermanentFailure, type StepRunner } from "@/server/services/deployments/deployment-steps";
import { LeaseLost, type Fence } from "@/server/services/deployments/deployment-lease";
import { z } from "zod";
import { asyncServingSchema } from "@/contracts/async-serving";
import { Prisma } from "@/server/db/generated/client";
import {
  applyWithSettings,
  loadDeployment,
  recordVariants,
  toVariantSpec,
  versionInclude,
  type LoadedDeployment,
} from "@/server/services/deployments/endpoint-variants";
import { priorStateSchema } from "@/server/services/deployments/prior-state";
import { setReleaseServingMode } from "@/server/services/deployments/apply-serving-mode";
import {
  finishDeployment,
  type AttemptInfo,
  type DeploymentRuntime,
} from "@/server/services/deployments/deployment-run";

/** Steps that change what the endpoint serves; before the first of them is tried there is nothing to undo. */
const CHANGING_STEPS = {
  OR: [{ step: { in: ["apply-endpoint", "finalize"] } }, { step: { startsWith: "shift-traffic:" } }],
};

type RollBackContext = {
  runtime: DeploymentRuntime;
  steps: StepRunner;
  signal: AbortSignal;
  fence: Fence;
  info: AttemptInfo;
};

const writtenModeSchema = z.object({ asyncServing: asyncServingSchema.nullable() });

/**
 * The serving mode this release wrote on the endpoint and the one it replaced, when its apply-serving-mode step got as
 * far as saving what it would write; null when the release did not touch the mode.
 */
async function modeChange(database: Db, deployment: LoadedDeployment) {
  const event = await database.deploymentEvent.findFirst({
    where: { deploymentId: deployment.id, step: "apply-serving-mode", details: { not: Prisma.DbNull } },
    orderBy: { id: "desc" },
    select: { details: true },
  });
  const written = writtenModeSchema.safeParse(event?.details);
  const prior = priorStateSchema.safeParse(deployment.priorState);
  if (!written.success || !prior.success || prior.data.asyncServing === undefined) return null;
  return { written: written.data.asyncServing, prior: prior.data.asyncServing };
}

/**
 * Ends a deployment that decided to roll back (status ROLLING_BACK, its reason in failureReason). When nothing was
 * applied it changes nothing and ends FAILED; otherwise it restores the recorded prior state exactly and ends
 * ROLLED_BACK. When restoring fails for good, the deployment ends FAILED with both reasons and what the target
 * serves now, and the endpoint is left as it is.
 */
export async function rollBackDeployment(database: Db, deploymentId: string, context: RollBackContext) {
  const deployment = await loadDeployment(database, deploymentId);
  if (!deployment) return "MISSING" as const;
  const { runtime, steps, signal, info } = context;
  const reason = deployment.failureReason ?? "The deployment was rolled back";
  const target = runtime.target(deployment.endpoint.target);
  try {
    const outcome = await steps("rollback", () => restorePriorState(database, deployment, target, context, signal));
    const status = outcome.changed ? "ROLLED_BACK" : "FAILED";
    await finishDeployment(database, deployment, runtime.lease.owner, status, reason);
    return status;
  } catch (error) {
    if (error instanceof LeaseLost) throw error;
    if (!isPermanentFailure(error) && !info.lastAttempt) throw error;
    const serving = await describeServing(target, deployment.endpoint.name);
    const failure = `${reason}. Rolling back failed too: ${errorMessage(error)}. The target reports: ${serving}`;
    await finishDeployment(database, deployment, runtime.lease.owner, "FAILED", failure);
    return "FAILED" as const;
  }
}

async function restorePriorState(
  database: Db,
  deployment: LoadedDeployment,
  target: DeploymentTarget,
  { runtime, fence }: RollBackContext,
  signal: AbortSignal,
) {
  const { endpoint } = deployment;
  const mode = await modeChange(database, deployment);
  // The mode goes back on the row only once the target serves the prior state again (and only where this release's
  // value is still there: a change someone made since stays); a restore that fails leaves both as they are.
  const restoreMode = async () => {
    if (!mode) return;
    const release = { endpointId: endpoint.id, requestedById: deployment.promotion.requestedById, fence };
    const why = `Deployment ${deployment.id} rolled back`;
    await setReleaseServingMode(database, { ...release, why }, mode.prior, mode.written);
  };
  const tried = await database.deploymentEvent.count({ where: { deploymentId: deployment.id, ...CHANGING_STEPS } });
  if (tried === 0) {
    await restoreMode();
    return { changed: false, restored: [] as string[], note: "Nothing had been applied" };
  }
  const prior = priorStateSchema.parse(deployment.priorState);
  if (!prior.existed) {
    await target.delete(endpoint.name);
    await recordVariants(database, endpoint.id, []);
    await restoreMode();
    return { changed: true, restored: [] as string[], note: "Deleted the endpoint this deployment created" };
  }
  if (prior.variants.length === 0)
    throw new DeploymentFailure("The target had this endpoint but the portal had recorded none of its variants");
  const versions = await database.modelVersion.findMany({
    where: { id: { in: prior.variants.map((v) => v.versionId) } },
    include: versionInclude,
  });
  const byId = new Map(versions.map((v) => [v.id, v]));
  const specs = await Promise.all(
    prior.variants.map(async (v) => {
      const version = byId.get(v.versionId);
      if (!version) throw new DeploymentFailure(`The version that served as ${v.variantName} no longer exists`);
      const sizing = { instanceType: v.instanceType, instanceCount: v.instanceCount };
      return toVariantSpec(
        version,
        { variantName: v.variantName, weight: v.weight, sizing },
        endpoint.target,
        runtime.artifactUri,
      );
    }),
  );
  const spec = { endpointName: endpoint.name, variants: specs };
  await applyWithSettings(database, target, endpoint.id, spec, { signal }, mode ? mode.prior : undefined);
  const state = await target.waitUntilSettled(endpoint.name, { timeoutMs: target.settleTimeoutMs, signal });
  if (state.status !== "healthy")
    throw new DeploymentFailure(
      `The restored endpoint is ${state.status}${state.message ? ` (${state.message})` : ""}`,
    );
  await recordVariants(
    database,
    endpoint.id,
    prior.variants.map((v) => ({
      versionId: v.versionId,
      variantName: v.variantName,
      weight: v.weight,
      sizing: { instanceType: v.instanceType, instanceCount: v.instanceCount },
    })),
  );
  await restoreMode();
  return { changed: true, restored: prior.variants.map((v) => v.variantName), note: "Restored the prior variants" };
}

/** "healthy: a-v6=100" — what the target serves, for a failure reason; the target may itself be unreachable. */
async function describeServing(target: DeploymentTarget, endpointName: string) {
  try {
    const state = await target.describe(endpointName);
    const variants = state.variants.map((v) => `${v.variantName}=${v.weight}%`).join(", ");
    return `${state.status}${variants ? `: ${variants}` : ""}`;
  } catch (error) {
    return `unknown (${errorMessage(error)})`;
  }
}
