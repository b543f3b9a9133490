import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import {
  givenModel,
  givenOnnxRun,
  givenRun,
  latestVersionCounter,
  registryCounts,
} from "@/tests/integration/registry/fixtures";
import { onnxModel, TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";

const signature = TABULAR_SIGNATURE;
const onnx = { artifactPath: "model.onnx", format: "ONNX" } as const;

describe("registering versions", () => {
  it("numbers versions 1, 2, 3 and snapshots the run's latest metrics", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const numbers: number[] = [];
    for (const auc of [0.81, 0.84, 0.86]) {
      const { run } = await givenOnnxRun(ctx, { metrics: { auc, loss: 1 - auc } });
      numbers.push((await registerVersion(ctx, model.name, { runId: run.id, ...onnx })).version);
    }
    expect(numbers).toEqual([1, 2, 3]);
    expect(await latestVersionCounter(model.name)).toBe(3);
    const v3 = await getVersion(ctx, model.name, 3);
    expect(v3.metrics).toEqual({ auc: 0.86, loss: 1 - 0.86 });
    const audits = await db().auditLog.findMany({
      where: { action: "version.create", after: { path: ["model"], equals: model.name } },
    });
    expect(audits.map((a) => (a.after as { version: number }).version).sort()).toEqual([1, 2, 3]);
  });

  it("gives five parallel registrations distinct numbers with no gaps", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const runs = await Promise.all([1, 2, 3, 4, 5].map(() => givenOnnxRun(ctx)));
    const versions = await Promise.all(
      runs.map(({ run }) => registerVersion(ctx, model.name, { runId: run.id, ...onnx })),
    );
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(await latestVersionCounter(model.name)).toBe(5);
    const stored = await db().modelVersion.findMany({
      where: { model: { name: model.name } },
      select: { version: true, sourceRunId: true },
    });
    expect(new Set(stored.map((v) => v.sourceRunId)).size).toBe(5);
  });

  it("lets only one of several parallel registrations of the same artifact through", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const { run } = await givenOnnxRun(ctx);
    const results = await Promise.allSettled(
      [1, 2, 3].map(() => registerVersion(ctx, model.name, { runId: run.id, ...onnx })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect(r.reason).toMatchObject({ code: "CONFLICT" });
    expect(await latestVersionCounter(model.name)).toBe(1);
  });

  it("records lineage: source run, experiment and artifact", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const bytes = onnxModel();
    const { run, experiment, artifacts } = await givenRun(ctx, {
      metrics: { auc: 0.9 },
      artifacts: { "model.onnx": bytes },
    });
    await registerVersion(ctx, model.name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature,
      description: "First",
    });
    const detail = await getModel(ctx, model.name);
    expect(detail.latestVersion).toBe(1);
    expect(detail.keyMetrics).toEqual(["auc"]);
    expect(detail.versions[0]).toMatchObject({
      version: 1,
      format: "ONNX",
      description: "First",
      createdBy: { id: ctx.actor.userId },
      metrics: { auc: 0.9 },
      lineage: {
        run: {
          id: run.id,
          name: run.name,
          experimentId: experiment.id,
          experimentName: experiment.name,
          status: "FINISHED",
        },
        artifact: {
          id: artifacts["model.onnx"]!.id,
          path: "model.onnx",
          sha256: artifacts["model.onnx"]!.sha256,
          sizeBytes: bytes.length,
        },
      },
    });
    const version = await getVersion(ctx, model.name, 1);
    expect(version.signature).toEqual(signature);
    expect(version.model).toMatchObject({ name: model.name, latestVersion: 1 });
    const listed = await listModels(ctx, { search: model.name });
    expect(listed.items[0]).toMatchObject({ latestVersion: 1, versionCount: 1 });
  });

  it("refuses the same artifact bytes twice with 409 naming the version, without advancing the counter", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const bytes = onnxModel();
    const first = await givenRun(ctx, { artifacts: { "model.onnx": bytes } });
    const second = await givenRun(ctx, { artifacts: { "exported/model.onnx": bytes } });
    await registerVersion(ctx, model.name, { runId: first.run.id, ...onnx });
    const before = await registryCounts();
    await expect(
      registerVersion(ctx, model.name, { runId: second.run.id, artifactPath: "exported/model.onnx", format: "ONNX" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("version 1") });
    expect(await registryCounts()).toEqual(before);
    expect(await latestVersionCounter(model.name)).toBe(1);
  });

  it("registers two versions from one run when it holds two different models", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const { run } = await givenRun(ctx, { artifacts: { "a.onnx": onnxModel(), "b.onnx": onnxModel() } });
    await registerVersion(ctx, model.name, { runId: run.id, artifactPath: "a.onnx", format: "ONNX" });
    await registerVersion(ctx, model.name, { runId: run.id, artifactPath: "b.onnx", format: "ONNX" });
    expect(await latestVersionCounter(model.name)).toBe(2);
  });

  it("refuses an unknown run, artifact path or model with 404 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const { run } = await givenOnnxRun(ctx);
    const before = await registryCounts();
    await expect(registerVersion(ctx, model.name, { runId: "no-such-run", ...onnx })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("no-such-run"),
    });
    await expect(
      registerVersion(ctx, model.name, { runId: run.id, artifactPath: "weights/missing.onnx", format: "ONNX" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("weights/missing.onnx") });
    await expect(registerVersion(ctx, "no-such-model", { runId: run.id, ...onnx })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await registryCounts()).toEqual(before);
    expect(await latestVersionCounter(model.name)).toBe(0);
  });

  it.each([
    ["an unknown tensor type", { inputs: [{ name: "x", type: "float16" }], outputs: [{ name: "y", type: "float32" }] }],
    ["no outputs", { inputs: [{ name: "x", type: "float32" }], outputs: [] }],
    [
      "a fractional dimension",
      { inputs: [{ name: "x", type: "int64", shape: [1.5] }], outputs: [{ name: "y", type: "bool" }] },
    ],
    ["a nameless input", { inputs: [{ type: "string" }], outputs: [{ name: "y", type: "bool" }] }],
  ])("refuses a signature with %s (400) and writes nothing", async (_label, badSignature) => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const { run } = await givenOnnxRun(ctx);
    const before = await registryCounts();
    await expect(
      registerVersion(ctx, model.name, {
        runId: run.id,
        ...onnx,
        signature: badSignature as unknown as typeof signature,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", details: { issues: expect.any(Array) } });
    expect(await registryCounts()).toEqual(before);
    expect(await latestVersionCounter(model.name)).toBe(0);
  });

  it("answers 404 for an unknown version", async () => {
    const { ctx } = await givenUser("VIEWER");
    const writer = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(writer.ctx);
    await expect(getVersion(ctx, model.name, 7)).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `Version 7 of model "${model.name}" not found`,
    });
  });
});
