import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { toRuntimeVariant } from "@/server/integrations/local-runtime/endpoint-mapping";
import type { EndpointSpec, EndpointState } from "@/server/integrations/targets/deployment-target";
import { systemContextFromEnv } from "@/server/context-from-env";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { requestPromotion } from "@/server/services/deployments/promotions";
import type { DeploymentRuntime } from "@/server/services/deployments/deployment-run";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { createRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import { InMemoryTarget } from "@/tests/integration/deployments/in-memory-target";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";

const signature = {
  inputs: [
    { name: "amount", type: "float32" as const },
    { name: "channel", type: "string" as const },
  ],
  outputs: [{ name: "score", type: "float32" as const }],
};
const sample = [
  "amount,channel",
  ...Array.from({ length: 40 }, (_, i) => `${i + 1},${i % 4 === 0 ? "app" : "web"}`),
].join("\n");

/** Keeps every spec it is asked to apply, to see what a real target would receive. */
class RecordingTarget extends InMemoryTarget {
  readonly specs: EndpointSpec[] = [];
  override async apply(spec: EndpointSpec): Promise<EndpointState> {
    this.specs.push(spec);
    return super.apply(spec);
  }
}

function runtime(target: RecordingTarget): DeploymentRuntime {
  return {
    target: () => target,
    artifactUri: async (artifact) => `/artifacts/${artifact.sha256}`,
    artifactExists: (sha256) => systemContextFromEnv().artifacts.exists(sha256),
    guardrails: () => ({ mark: async () => null, read: async () => ({ requests: 0, errorRate: 0, p99Ms: null }) }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    guardrailPollMs: 20,
    lease: { owner: "test-worker", ttlMs: 5000 },
  };
}

describe("reference bins on the deploy path", () => {
  it("sends the version's reference bins with its variant, in signature order, and none for a version without a profile", async () => {
    const { ctx, team } = await givenUser("DATA_SCIENTIST");
    const name = `bins-${Date.now().toString(36)}`;
    await createModel(ctx, { name, team: team.name, taskType: "CLASSIFICATION" });
    for (const [i, files] of [{ "training-sample.csv": sample }, {}].entries()) {
      const run = await createRun(ctx, { experimentName: `${name}-training` });
      await uploadArtifact(ctx, {
        runId: run.id,
        path: "model.onnx",
        body: new Blob([new Uint8Array(onnxModelFor(signature, i))]).stream(),
      });
      for (const [path, content] of Object.entries(files))
        await uploadArtifact(ctx, { runId: run.id, path, body: new Blob([content]).stream() });
      await registerVersion(ctx, name, { runId: run.id, artifactPath: "model.onnx", format: "ONNX", signature });
    }

    const target = new RecordingTarget();
    const { deploymentId } = await requestPromotion(ctx, {
      modelName: name,
      version: 1,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "try v1",
    });
    expect(await runDeployment(db(), deploymentId!, runtime(target))).toBe("SUCCEEDED");
    const [variant] = target.specs[0]!.variants;
    expect(variant!.featureBins).toEqual([
      { name: "amount", kind: "NUMERIC", edges: [4, 8, 12, 16, 20, 24, 28, 32, 36], categories: [] },
      { name: "channel", kind: "CATEGORICAL", edges: [], categories: ["web", "app"] },
    ]);
    expect(toRuntimeVariant({ ...variant!, artifactUri: "/tmp/model.onnx" }).featureBins).toEqual(variant!.featureBins);

    const second = await requestPromotion(ctx, {
      modelName: name,
      version: 2,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "try v2",
    });
    expect(await runDeployment(db(), second.deploymentId!, runtime(target))).toBe("SUCCEEDED");
    const v2 = target.specs.at(-1)!.variants.find((v) => v.version === 2)!;
    expect(v2.featureBins).toBeUndefined();
    expect("featureBins" in toRuntimeVariant({ ...v2, artifactUri: "/tmp/model.onnx" })).toBe(false);
  });
});
