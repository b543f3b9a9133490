import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { getVersion } from "@/server/services/registry/get-version";
import { registerVersion } from "@/server/services/registry/register-version";
import { tarArchive } from "@/training/tar";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { givenModel, givenRun, latestVersionCounter, registryCounts } from "@/tests/integration/registry/fixtures";
import {
  containerArchive,
  onnxModel,
  TABULAR_SIGNATURE,
  vllmArchive,
} from "@/tests/integration/support/model-artifacts";

const MODEL_CARD = JSON.stringify({ model: "fraud-detector", params: { max_depth: 6 }, demo: true });

/** A data scientist, a model and a run holding the given artifacts. */
async function given(artifacts: Record<string, string | Uint8Array>) {
  const { ctx, user } = await givenUser("DATA_SCIENTIST");
  const model = await givenModel(ctx);
  const { run } = await givenRun(ctx, { artifacts });
  return { ctx, user, model, run };
}

/** Expects the registration to be refused with `code` and a message matching `message`, writing nothing. */
async function expectRefused(
  register: () => Promise<unknown>,
  modelName: string,
  code: string,
  message: string | RegExp,
) {
  const before = await registryCounts();
  const error = await register().then(
    () => undefined,
    (e: unknown) => e,
  );
  const text = typeof message === "string" ? expect.stringContaining(message) : expect.stringMatching(message);
  expect(error).toMatchObject({ code, message: text });
  expect(await registryCounts()).toEqual(before);
  expect(await latestVersionCounter(modelName)).toBe(0);
}

describe("ONNX versions are loaded in onnxruntime when registered", () => {
  it("reads the signature from the graph when none is given, and says so in the audit log", async () => {
    const { ctx, model, run } = await given({ "model.onnx": onnxModel() });
    const version = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
    });

    expect((await getVersion(ctx, model.name, version.version)).signature).toEqual({
      inputs: [
        { name: "amount", type: "float32", shape: [null, 1] },
        { name: "hour", type: "float32", shape: [null, 1] },
      ],
      outputs: [{ name: "probability", type: "float32", shape: [null, 1] }],
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "version.create", entityId: version.id } });
    expect(audit.after).toMatchObject({ format: "ONNX", signature: "read from the model" });
  });

  it("keeps a given signature that matches the graph, in its own order", async () => {
    const { ctx, model, run } = await given({ "model.onnx": onnxModel() });
    const signature = { ...TABULAR_SIGNATURE, inputs: [...TABULAR_SIGNATURE.inputs].reverse() };
    const version = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature,
    });
    expect((await getVersion(ctx, model.name, version.version)).signature).toEqual(signature);
  });

  it("refuses a JSON model card labelled ONNX with a 422 and writes nothing", async () => {
    const { ctx, model, run } = await given({ "model-card.json": MODEL_CARD });
    await expectRefused(
      () => registerVersion(ctx, model.name, { runId: run.id, artifactPath: "model-card.json", format: "ONNX" }),
      model.name,
      "UNPROCESSABLE",
      /^Artifact "model-card.json" is not an ONNX model onnxruntime can load: .*protobuf parsing failed/,
    );
  });

  it("refuses a signature naming an input the graph lacks, naming it and the graph's inputs", async () => {
    const { ctx, model, run } = await given({ "model.onnx": onnxModel() });
    const signature = {
      ...TABULAR_SIGNATURE,
      inputs: [...TABULAR_SIGNATURE.inputs, { name: "merchant_category", type: "string" as const }],
    };
    await expectRefused(
      () => registerVersion(ctx, model.name, { runId: run.id, artifactPath: "model.onnx", format: "ONNX", signature }),
      model.name,
      "UNPROCESSABLE",
      'input "merchant_category" is not in the graph (its inputs: amount, hour)',
    );
  });

  it("lists every mismatch: a wrong element type, a graph input left out, an unknown output", async () => {
    const { ctx, model, run } = await given({ "model.onnx": onnxModel() });
    const error = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: {
        inputs: [{ name: "amount", type: "float64" }],
        outputs: [{ name: "score", type: "float32" }],
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "UNPROCESSABLE",
      details: {
        problems: [
          'input "amount" is float64 in the signature but float32 in the graph',
          'the graph\'s input "hour" (float32 [batch, 1]) is missing from the signature',
          'output "score" is not in the graph (its outputs: probability)',
        ],
        graph: {
          inputs: ["amount: float32 [batch, 1]", "hour: float32 [batch, 1]"],
          outputs: ["probability: float32 [batch, 1]"],
        },
      },
    });
  });

  it("answers 409 for the same model again before loading it", async () => {
    const bytes = onnxModel();
    const { ctx, model, run } = await given({ "a.onnx": bytes, "b.onnx": bytes });
    await registerVersion(ctx, model.name, { runId: run.id, artifactPath: "a.onnx", format: "ONNX" });
    await expect(
      registerVersion(ctx, model.name, { runId: run.id, artifactPath: "b.onnx", format: "ONNX" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("VLLM and CONTAINER versions are checked too", () => {
  it("registers a vLLM model directory packed as .tar or .tar.gz, with or without a signature", async () => {
    const plain = tarArchive([{ path: "config.json", content: '{"architectures": ["LlamaForCausalLM"]}' }], {
      gzip: false,
    });
    const { ctx, model, run } = await given({ "llm.tar.gz": vllmArchive(), "llm.tar": plain });
    const unsigned = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "llm.tar.gz",
      format: "VLLM",
    });
    expect((await getVersion(ctx, model.name, unsigned.version)).signature).toBeNull();
    const signature = {
      inputs: [{ name: "prompt", type: "string" as const }],
      outputs: [{ name: "completion", type: "string" as const }],
    };
    const signed = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "llm.tar",
      format: "VLLM",
      signature,
    });
    expect((await getVersion(ctx, model.name, signed.version)).signature).toEqual(signature);
  });

  it.each([
    ["a JSON file", "llm.tar", MODEL_CARD, /is not a tar archive/],
    ["a file that is no archive by name", "config.json", MODEL_CARD, /is a tar archive of the model directory/],
    [
      "an archive without config.json at its root",
      "llm.tar.gz",
      tarArchive([{ path: "model/config.json", content: "{}" }], { gzip: true }),
      /has no config.json at its root/,
    ],
    [
      "a config.json naming no model class",
      "llm.tar.gz",
      tarArchive([{ path: "config.json", content: '{"vocab_size": 32000}' }], { gzip: true }),
      /names no model class/,
    ],
    [
      "a plain tar named .tar.gz",
      "llm.tar.gz",
      tarArchive([{ path: "config.json", content: "{}" }], { gzip: false }),
      /is named as gzip-compressed/,
    ],
  ])("refuses as VLLM %s with a 422", async (_label, path, content, message) => {
    const { ctx, model, run } = await given({ [path]: content });
    await expectRefused(
      () => registerVersion(ctx, model.name, { runId: run.id, artifactPath: path, format: "VLLM" }),
      model.name,
      "UNPROCESSABLE",
      message,
    );
  });

  it("registers a CONTAINER model.tar.gz with its signature, and refuses one without a signature (400)", async () => {
    const { ctx, model, run } = await given({ "model.tar.gz": containerArchive() });
    await expectRefused(
      () => registerVersion(ctx, model.name, { runId: run.id, artifactPath: "model.tar.gz", format: "CONTAINER" }),
      model.name,
      "BAD_REQUEST",
      /A CONTAINER version needs a signature/,
    );
    const version = await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "model.tar.gz",
      format: "CONTAINER",
      signature: TABULAR_SIGNATURE,
    });
    expect((await getVersion(ctx, model.name, version.version)).signature).toEqual(TABULAR_SIGNATURE);
  });

  it.each([
    ["an ONNX model", "model.onnx", onnxModel(), /gzip tarball named \*\.tar\.gz/],
    ["a corrupt gzip", "model.tar.gz", containerArchive().subarray(0, 40), /is not valid gzip data/],
    ["an empty archive", "model.tar.gz", tarArchive([], { gzip: true }), /holds no files/],
  ])("refuses as CONTAINER %s with a 422", async (_label, path, content, message) => {
    const { ctx, model, run } = await given({ [path]: content });
    await expectRefused(
      () =>
        registerVersion(ctx, model.name, {
          runId: run.id,
          artifactPath: path,
          format: "CONTAINER",
          signature: TABULAR_SIGNATURE,
        }),
      model.name,
      "UNPROCESSABLE",
      message,
    );
  });
});

describe("refusals reach REST and tRPC callers as 4xx", () => {
  it("answers REST with 422 (not 500) and the reason, and 400 without an artifact", async () => {
    const { secret: token, ctx } = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    const model = await givenModel(ctx);
    const { run } = await givenRun(ctx, { artifacts: { "model-card.json": MODEL_CARD, "model.onnx": onnxModel() } });
    const before = await registryCounts();
    const post = (json: Record<string, unknown>) =>
      callApi("POST", `/models/${model.name}/versions`, { token, json: { runId: run.id, ...json } });

    const card = await post({ artifactPath: "model-card.json", format: "ONNX" });
    expect(card.status).toBe(422);
    expect(card.json.error).toMatchObject({ code: "UNPROCESSABLE", message: expect.stringContaining("onnxruntime") });
    const mismatch = await post({
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: {
        inputs: [
          { name: "amount", type: "float32" },
          { name: "ghost", type: "float32" },
        ],
        outputs: [{ name: "probability", type: "float32" }],
      },
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.error?.message).toContain('input "ghost" is not in the graph');
    expect((await post({ artifactPath: "model.onnx", format: "CONTAINER" })).status).toBe(400);
    expect((await post({ format: "VLLM" })).status).toBe(400);
    expect(await registryCounts()).toEqual(before);
  });

  it("answers tRPC with UNPROCESSABLE_CONTENT", async () => {
    const { user, model, run } = await given({ "model-card.json": MODEL_CARD });
    const withTeam = await db().user.findUniqueOrThrow({ where: { id: user.id }, include: { team: true } });
    const caller = createCaller({ system: systemContextFromEnv(), user: withTeam });
    await expect(
      caller.registry.registerVersion({
        name: model.name,
        version: { runId: run.id, artifactPath: "model-card.json", format: "ONNX" },
      }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
  });
});
