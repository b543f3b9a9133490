import { ScrapeGuardrails } from "@/server/integrations/local-runtime/scrape-guardrails";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { blobPathOf, spoilBlob } from "@/tests/integration/conformance/local-blob";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi } from "@/tests/integration/deployments/real-models";
import { postJson } from "@/tests/integration/runtime/runtime-process";
import type { TargetHarness } from "@/tests/integration/conformance/target-harness";

/** Two real ONNX fraud models with one signature, registered in turn as a model's versions. */
const BUILT = ["fraud-gbt", "fraud-logreg"] as const;

/** The real local runtime (its own process, real onnxruntime inference), fed with real ONNX models. */
export function localRuntimeHarness(): TargetHarness {
  let stack: ModelRuntime | undefined;
  let registered = 0;
  const running = () => {
    if (!stack) throw new Error("start() the harness first");
    return stack;
  };
  const fraudRow = () => {
    const entry = running().manifest.find((m) => m.name === BUILT[0])!;
    return Object.fromEntries(entry.signature.inputs.map((input, i) => [input.name, 10 + i]));
  };
  const control = (pathname: string, init: RequestInit = {}) =>
    fetch(`${running().runtime.baseUrl}/v1/control${pathname}`, {
      ...init,
      headers: { authorization: `Bearer ${running().runtime.controlToken}`, "content-type": "application/json" },
    });
  return {
    name: "local runtime (real)",
    kind: "LOCAL",
    start: async () => {
      stack = await startModelRuntime("modelport-conformance-");
    },
    stop: async () => {
      await stack?.stop();
    },
    target: () =>
      new LocalRuntimeTarget({
        baseUrl: running().runtime.baseUrl,
        controlToken: running().runtime.controlToken,
        settleTimeoutMs: 30_000,
      }),
    artifactUri: async (artifact) => blobPathOf(artifact.sha256),
    guardrails: () => new ScrapeGuardrails(`${running().runtime.baseUrl}/metrics`),
    registerVersion: async (token, modelName) => {
      const built = BUILT[registered++ % BUILT.length];
      const entry = running().manifest.find((m) => m.name === built)!;
      return registerThroughApi(token, modelName, entry, running().modelDirectory);
    },
    breakVariant: async (endpointName, variantName) => {
      for (;;) {
        const response = await control(`/endpoints/${endpointName}/variants/${variantName}/fault-injection`, {
          method: "PUT",
          body: JSON.stringify({ errorRate: 1 }),
        });
        if (response.ok) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    invoke: async (endpointName) => {
      const answer = await postJson(`${running().runtime.baseUrl}/v1/endpoints/${endpointName}/predict`, {
        row: fraudRow(),
      });
      const version = typeof answer.body.modelVersion === "number" ? answer.body.modelVersion : null;
      return { ok: answer.status === 200, version };
    },
    spoilArtifact: spoilBlob,
    breachReason: /Guardrail breached .*error rate/,
    reset: async () => {},
    served: async (endpointName) => {
      const state = await new LocalRuntimeTarget({
        baseUrl: running().runtime.baseUrl,
        controlToken: running().runtime.controlToken,
      }).describe(endpointName);
      return Object.fromEntries(state.variants.map((v) => [v.variantName, v.weight]));
    },
  };
}
