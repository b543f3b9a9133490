import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import { getVersion } from "@/server/services/registry/get-version";
import { registerVersion } from "@/server/services/registry/register-version";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { givenModel, givenRun, registryCounts } from "@/tests/integration/registry/fixtures";
import { onnxModelFor, vllmArchive } from "@/tests/integration/support/model-artifacts";

const signature = {
  inputs: [
    { name: "amount", type: "float32" as const, shape: [-1, 1] },
    { name: "is_new", type: "int64" as const, shape: [-1, 1] },
    { name: "channel", type: "string" as const, shape: [-1, 1] },
  ],
  outputs: [{ name: "p", type: "float32" as const }],
};
const onnx = { artifactPath: "model.onnx", format: "ONNX" } as const;

/** 100 rows: amount 1..100, is_new alternating 0/1, channel web for 60 rows and app for 40, plus a label column. */
const sampleCsv = [
  "amount,is_new,channel,label",
  ...Array.from({ length: 100 }, (_, i) => `${i + 1},${i % 2},${i < 60 ? "web" : "app"},${i % 3 === 0 ? 1 : 0}`),
].join("\n");

/** A run holding a new ONNX model of the signature's graph at model.onnx, and the given files. */
async function givenRunWithSample(ctx: ServiceContext, files: Record<string, string>) {
  const { run } = await givenRun(ctx, { artifacts: { "model.onnx": onnxModelFor(signature) }, status: "RUNNING" });
  for (const [path, content] of Object.entries(files)) {
    await uploadArtifact(ctx, { runId: run.id, path, contentType: "text/csv", body: new Blob([content]).stream() });
  }
  return run;
}

describe("reference profiles at registration", () => {
  it("computes the profile from the run's training-sample.csv by default, in signature order", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const run = await givenRunWithSample(ctx, { "training-sample.csv": sampleCsv });

    const version = await registerVersion(ctx, model.name, { runId: run.id, ...onnx, signature });
    const detail = await getVersion(ctx, model.name, version.version);
    expect(detail.referenceProfile).toMatchObject({ sampleSize: 100, binCount: 10 });
    const [amount, isNew, channel] = detail.referenceProfile!.features;
    expect(amount).toEqual({
      name: "amount",
      position: 0,
      kind: "NUMERIC",
      edges: [10, 20, 30, 40, 50, 60, 70, 80, 90],
      categories: [],
      proportions: new Array<number>(10).fill(0.1),
    });
    expect(isNew).toEqual({
      name: "is_new",
      position: 1,
      kind: "CATEGORICAL",
      edges: [],
      categories: ["0", "1"],
      proportions: [0.5, 0.5, 0],
    });
    expect(channel).toEqual({
      name: "channel",
      position: 2,
      kind: "CATEGORICAL",
      edges: [],
      categories: ["web", "app"],
      proportions: [0.6, 0.4, 0],
    });

    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "version.create", entityId: version.id } });
    expect(audit.after).toMatchObject({
      referenceProfile: { sample: "training-sample.csv", sampleSize: 100, features: 3 },
    });
  });

  it("uses the sample named by referenceSamplePath over the default", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const other = ["amount,is_new,channel", "5,1,web", "5,0,web"].join("\n");
    const run = await givenRunWithSample(ctx, { "training-sample.csv": sampleCsv, "data/holdout.csv": other });

    const version = await registerVersion(ctx, model.name, {
      runId: run.id,
      ...onnx,
      signature,
      referenceSamplePath: "data/holdout.csv",
    });
    const profile = (await getVersion(ctx, model.name, version.version)).referenceProfile;
    expect(profile?.sampleSize).toBe(2);
    expect(profile?.features[0]).toMatchObject({ kind: "CATEGORICAL", categories: ["5"], proportions: [1, 0] });
  });

  it("computes the profile with the signature read from the graph when none is given", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const run = await givenRunWithSample(ctx, { "training-sample.csv": sampleCsv });

    const version = await registerVersion(ctx, model.name, { runId: run.id, ...onnx });
    const detail = await getVersion(ctx, model.name, version.version);
    expect(detail.signature?.inputs.map((input) => input.name)).toEqual(["amount", "is_new", "channel"]);
    expect(detail.referenceProfile?.features.map((f) => f.kind)).toEqual(["NUMERIC", "CATEGORICAL", "CATEGORICAL"]);
  });

  it("registers without a profile when the run has no sample or the version no signature", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const bare = await givenRunWithSample(ctx, {});
    const noSample = await registerVersion(ctx, model.name, { runId: bare.id, ...onnx, signature });
    const { run: llm } = await givenRun(ctx, {
      artifacts: { "llm.tar.gz": vllmArchive(), "training-sample.csv": sampleCsv },
    });
    const noSignature = await registerVersion(ctx, model.name, {
      runId: llm.id,
      artifactPath: "llm.tar.gz",
      format: "VLLM",
    });

    expect((await getVersion(ctx, model.name, noSample.version)).referenceProfile).toBeNull();
    expect((await getVersion(ctx, model.name, noSignature.version)).referenceProfile).toBeNull();
  });

  it("refuses a sample that lacks a feature column with a 400 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const run = await givenRunWithSample(ctx, { "training-sample.csv": "amount,channel\n1,web\n2,app\n" });
    const before = await registryCounts();
    const profilesBefore = await db().referenceProfile.count();

    await expect(registerVersion(ctx, model.name, { runId: run.id, ...onnx, signature })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining('"is_new"'),
    });
    await expect(
      registerVersion(ctx, model.name, {
        runId: run.id,
        ...onnx,
        signature,
        referenceSamplePath: "missing.csv",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await registryCounts()).toEqual(before);
    expect(await db().referenceProfile.count()).toBe(profilesBefore);
  });

  it("answers the REST caller with a 400 naming the problem row", async () => {
    const { secret: token, ctx } = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    const model = await givenModel(ctx);
    const run = await givenRunWithSample(ctx, {
      "training-sample.csv": "amount,is_new,channel\n1,0,web\nlots,1,app\n",
    });

    const response = await callApi("POST", `/models/${model.name}/versions`, {
      token,
      json: { runId: run.id, ...onnx, signature },
    });
    expect(response.status).toBe(400);
    expect(response.json.error?.message).toMatch(/row 2 of "amount"/);

    const fixed = await givenRunWithSample(ctx, { "training-sample.csv": sampleCsv });
    const created = await callApi("POST", `/models/${model.name}/versions`, {
      token,
      json: { runId: fixed.id, ...onnx, signature },
    });
    expect(created.status).toBe(201);
    const detail = await callApi("GET", `/models/${model.name}/versions/${created.json.version as number}`, { token });
    expect(detail.json).toMatchObject({
      referenceProfile: { sampleSize: 100, features: [{ name: "amount" }, { name: "is_new" }, { name: "channel" }] },
    });
  });

  it("refuses a sample over the row or byte limit with a 413 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const run = await givenRunWithSample(ctx, { "training-sample.csv": sampleCsv });
    const before = await registryCounts();
    const limited = (settings: Partial<ServiceContext["settings"]>) => ({
      ...ctx,
      settings: { ...ctx.settings, ...settings },
    });

    await expect(
      registerVersion(limited({ referenceSampleMaxRows: 99 }), model.name, { runId: run.id, ...onnx, signature }),
    ).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      details: { code: "REFERENCE_SAMPLE_TOO_LARGE", maxRows: 99 },
    });
    await expect(
      registerVersion(limited({ referenceSampleMaxBytes: 100 }), model.name, { runId: run.id, ...onnx, signature }),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { code: "REFERENCE_SAMPLE_TOO_LARGE" } });
    expect(await registryCounts()).toEqual(before);

    const exactly = await registerVersion(limited({ referenceSampleMaxRows: 100 }), model.name, {
      runId: run.id,
      ...onnx,
      signature,
    });
    expect((await getVersion(ctx, model.name, exactly.version)).referenceProfile?.sampleSize).toBe(100);
  });
});
