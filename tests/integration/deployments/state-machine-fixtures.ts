import type { GuardrailReading } from "@/server/integrations/targets/guardrail-source";
import { db } from "@/server/db/client";
import { systemContextFromEnv } from "@/server/context-from-env";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import type { DeploymentRuntime } from "@/server/services/deployments/deployment-run";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { createRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import { InMemoryTarget } from "@/tests/integration/deployments/in-memory-target";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";

/** The state machine's world in these tests: an in-memory target and the guardrail readings each variant reports. */
export const world: { target: InMemoryTarget; readings: Record<string, GuardrailReading> } = {
  target: new InMemoryTarget(),
  readings: {},
};

export function resetWorld() {
  world.target = new InMemoryTarget();
  world.readings = {};
}

const signature = {
  inputs: [{ name: "amount", type: "float32" as const }],
  outputs: [{ name: "score", type: "float32" as const }],
};
let counter = 0;

/** The runtime a worker process named `owner` would run deployments with. */
export function runtime(owner = "test-worker", ttlMs = 5000): DeploymentRuntime {
  return {
    target: () => world.target,
    artifactUri: async (artifact) => `/artifacts/${artifact.sha256}`,
    artifactExists: (sha256) => systemContextFromEnv().artifacts.exists(sha256),
    guardrails: () => ({
      mark: async () => null,
      read: async ({ variantName }) => world.readings[variantName] ?? { requests: 0, errorRate: 0, p99Ms: null },
    }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    guardrailPollMs: 20,
    lease: { owner, ttlMs, pollMs: 50 },
  };
}

export async function givenModelWithVersions(count: number) {
  const scientist = await givenUser("DATA_SCIENTIST");
  const reviewer = await givenUser("REVIEWER");
  const name = `deploy-${Date.now().toString(36)}-${++counter}`;
  await createModel(scientist.ctx, { name, team: scientist.team.name, taskType: "CLASSIFICATION" });
  for (let i = 0; i < count; i++) {
    const run = await createRun(scientist.ctx, { experimentName: `${name}-training` });
    await uploadArtifact(scientist.ctx, {
      runId: run.id,
      path: "model.onnx",
      body: new Blob([new Uint8Array(onnxModelFor(signature))]).stream(),
    });
    await registerVersion(scientist.ctx, name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature,
    });
  }
  return { scientist, reviewer, name };
}

export async function approvedProduction(
  scientist: ServiceContext,
  reviewer: ServiceContext,
  name: string,
  version: number,
  strategy: Parameters<typeof requestPromotion>[1]["strategy"],
) {
  const { promotion } = await requestPromotion(scientist, {
    modelName: name,
    version,
    environment: "PRODUCTION",
    target: "LOCAL",
    strategy,
    reason: `ship v${version}`,
  });
  const { deploymentId } = await decidePromotion(reviewer, { promotionId: promotion.id, approve: true });
  return deploymentId!;
}

export const productionVersion = async (name: string) =>
  (await db().modelAlias.findFirst({ where: { alias: "production", model: { name } }, include: { version: true } }))
    ?.version.version ?? null;

/** A first try with retries left: a transient error is rethrown for BullMQ to retry. */
export const RETRYING = { attempt: 1, lastAttempt: false };

export const stepsOf = async (deploymentId: string) =>
  (await db().deploymentEvent.findMany({ where: { deploymentId }, orderBy: { id: "asc" } })).map(
    (e) => `${e.step}#${e.attempt}:${e.outcome}`,
  );
