import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { closeQueues } from "@/server/jobs/define-job";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { toVariantSpec, versionInclude } from "@/server/services/deployments/endpoint-variants";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { createRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";
import { tarArchive } from "@/training/tar";
import { givenUser } from "@/tests/integration/fixtures";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";
import { baseConfigInput } from "@/tests/unit/kubernetes/samples";

/*
 * The vLLM launch check on the whole path: registration reads the model's shape and weight size from its archive,
 * a promotion to Kubernetes that vLLM could not start is refused with a 422 when it is requested, and a worker whose
 * cluster cannot start it fails the deployment before sending anything to the (stand-in) API server.
 */

const TOKEN = "k8s-test-token";
const NS = "ml-serving";
// Llama-3-8B's KV-cache fields (128 KiB a token), with a 128k context: 16 GiB at 0.9 holds about 106k tokens.
const LLAMA_LONG = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  hidden_size: 4096,
  max_position_embeddings: 131_072,
  torch_dtype: "bfloat16",
  rope_scaling: { rope_type: "llama3", factor: 8 },
};
const SHARDS = [256 * 1024, 128 * 1024];

let api: FakeKubernetesApi;
let server: string;

const useCluster = (gpuMemoryGiB: number) => {
  process.env.MODELPORT_K8S_CONFIG = JSON.stringify({
    ...baseConfigInput,
    connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
    vllm: { ...baseConfigInput.vllm, gpuMemoryGiB, startupTimeoutSeconds: 60 },
  });
};

beforeAll(async () => {
  api = new FakeKubernetesApi(TOKEN);
  server = await api.start();
});

afterEach(() => {
  delete process.env.MODELPORT_K8S_CONFIG;
});

afterAll(async () => {
  await api.stop();
  await closeQueues();
});

async function registeredLlm() {
  const { ctx, team } = await givenUser("DATA_SCIENTIST");
  const name = `llm-${randomBytes(4).toString("hex")}`;
  await createModel(ctx, { name, team: team.name, taskType: "LLM" });
  const run = await createRun(ctx, { experimentName: `${name}-training` });
  const archive = tarArchive(
    [
      { path: "config.json", content: JSON.stringify(LLAMA_LONG) },
      { path: "tokenizer.json", content: JSON.stringify({ version: "1.0", model: { type: "BPE" } }) },
      ...SHARDS.map((size, i) => ({
        path: `model-0000${i + 1}-of-00002.safetensors`,
        content: new Uint8Array(randomBytes(size)),
      })),
    ],
    { gzip: true },
  );
  await uploadArtifact(ctx, { runId: run.id, path: "llm.tar.gz", body: new Blob([new Uint8Array(archive)]).stream() });
  // Deployments need a signature (toVariantSpec), even though vLLM's OpenAI API is the interface.
  const signature = {
    inputs: [{ name: "prompt", type: "string" as const }],
    outputs: [{ name: "completion", type: "string" as const }],
  };
  await registerVersion(ctx, name, { runId: run.id, artifactPath: "llm.tar.gz", format: "VLLM", signature });
  return { ctx, name };
}

const promote = (ctx: Awaited<ReturnType<typeof registeredLlm>>["ctx"], modelName: string) =>
  requestPromotion(ctx, {
    modelName,
    version: 1,
    environment: "STAGING",
    target: "KUBERNETES",
    strategy: { kind: "all-at-once" },
    reason: "serve the long-context model",
  });

describe("the vLLM launch check on the promotion path", () => {
  it("records the model's KV-cache fields and its weight files' size at registration", async () => {
    const { name } = await registeredLlm();
    const version = await db().modelVersion.findFirstOrThrow({
      where: { model: { name }, version: 1 },
      select: { llmShape: true, weightBytes: true },
    });
    expect(version.llmShape).toEqual({
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      hidden_size: 4096,
      max_position_embeddings: 131_072,
      torch_dtype: "bfloat16",
    });
    // The two safetensors shards; config.json and the tokenizer are not weights.
    expect(version.weightBytes).toBe(BigInt(SHARDS[0]! + SHARDS[1]!));
  });

  it("refuses the promotion with a 422 when the cluster's GPUs cannot hold the context, writing nothing", async () => {
    const { ctx, name } = await registeredLlm();
    useCluster(16);
    await expect(promote(ctx, name)).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      message: expect.stringMatching(
        /^Version 1 would not start on vLLM on the Kubernetes target: --max-model-len 131072 needs 131072 tokens of KV cache; 105\d{3} fit/,
      ),
    });
    expect(await db().promotion.count({ where: { version: { model: { name } } } })).toBe(0);
    expect(api.writes()).toEqual([]);
  });

  it("fails a deployment whose cluster cannot start the model before anything is applied", async () => {
    const { ctx, name } = await registeredLlm();
    // Accepted where it was requested (80 GiB GPUs), then run by a worker configured for 16 GiB GPUs.
    useCluster(80);
    const { deploymentId } = await promote(ctx, name);
    useCluster(16);
    const outcome = await runDeployment(db(), deploymentId!, deploymentRuntime(systemContextFromEnv()));

    expect(outcome).not.toBe("SUCCEEDED");
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId! } });
    expect(deployment.failureReason).toMatch(/would not start on vLLM: --max-model-len 131072 needs 131072 tokens/);
    expect(api.writes()).toEqual([]);
  });

  it("applies a launch that fits, with the startup probe sized to the weights and no --trust-remote-code", async () => {
    const { name } = await registeredLlm();
    useCluster(80);
    const runtime = deploymentRuntime(systemContextFromEnv());
    const version = await db().modelVersion.findFirstOrThrow({
      where: { model: { name }, version: 1 },
      include: versionInclude,
    });
    const variant = await toVariantSpec(
      version,
      { variantName: `${name}-v1`, weight: 100 },
      "KUBERNETES",
      runtime.artifactUri,
    );
    expect(variant.llm).toEqual({ shape: expect.objectContaining({ num_hidden_layers: 32 }), weightBytes: 393_216 });
    await runtime.target("KUBERNETES").apply({ endpointName: name, variants: [variant] });
    const stored = api.object("Deployment", NS, variantObjectName(name, `${name}-v1`));
    const container = (
      stored?.spec?.template as {
        spec: { containers: Array<{ args: string[]; startupProbe: { failureThreshold: number } }> };
      }
    ).spec.containers[0];
    expect(container?.args).not.toContain("--trust-remote-code");
    expect(container?.args).toEqual(expect.arrayContaining(["--max-num-seqs", "256", "--enable-chunked-prefill"]));
    // 384 KiB of weights read in well under a second, plus two minutes of engine start-up: 121 s, 13 probes.
    expect(container?.startupProbe.failureThreshold).toBe(13);
  });
});
