import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { allEndpoints } from "@/server/rest/endpoints";
import { buildOpenApiDocument } from "@/server/rest/openapi";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { givenOnnxRun, givenRun, registryCounts, unique } from "@/tests/integration/registry/fixtures";
import { onnxModel, vllmArchive } from "@/tests/integration/support/model-artifacts";

const writer = () => givenToken("DATA_SCIENTIST", ["read", "models:write"]);

describe("registry REST API", () => {
  it("creates a model, registers versions, moves an alias and answers history at an instant", async () => {
    const { secret: token, ctx } = await writer();
    const name = unique("rest-model");

    const created = await callApi("POST", "/models", {
      token,
      json: { name, taskType: "CLASSIFICATION", tags: ["Fraud"], description: "Scores **transactions**" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name, team: "Test team", tags: ["fraud"] });

    const bytes = onnxModel();
    const runs = [
      await givenRun(ctx, { metrics: { auc: 0.8 }, artifacts: { "model.onnx": bytes } }),
      await givenRun(ctx, { metrics: { auc: 0.9 }, artifacts: { "llm.tar.gz": vllmArchive() } }),
    ];
    const v1 = await callApi("POST", `/models/${name}/versions`, {
      token,
      json: {
        runId: runs[0]!.run.id,
        artifactPath: "model.onnx",
        format: "ONNX",
        signature: {
          inputs: [
            { name: "amount", type: "float32", shape: [null, 1] },
            { name: "hour", type: "float32" },
          ],
          outputs: [{ name: "probability", type: "float32" }],
        },
      },
    });
    expect(v1.status).toBe(201);
    expect(v1.json).toMatchObject({
      model: name,
      version: 1,
      metrics: { auc: 0.8 },
      lineage: { artifact: { path: "model.onnx", sizeBytes: bytes.length } },
    });
    const v2 = await callApi("POST", `/models/${name}/versions`, {
      token,
      json: { runId: runs[1]!.run.id, artifactPath: "llm.tar.gz", format: "VLLM" },
    });
    expect(v2.json).toMatchObject({ version: 2 });

    const set = await callApi("PUT", `/models/${name}/aliases/champion`, {
      token,
      json: { version: 1, reason: "launch" },
    });
    expect(set.status).toBe(200);
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const moved = await callApi("PUT", `/models/${name}/aliases/champion`, {
      token,
      json: { version: 2, reason: "better" },
    });
    expect(moved.json).toMatchObject({ version: 2, event: { fromVersion: 1, toVersion: 2, reason: "better" } });

    const history = await callApi(
      "GET",
      `/models/${name}/aliases/champion/history?at=${encodeURIComponent(between.toISOString())}`,
      { token },
    );
    expect(history.status).toBe(200);
    expect(history.json).toMatchObject({
      model: name,
      alias: "champion",
      events: [{ toVersion: 2 }, { toVersion: 1 }],
      versionAt: { at: between.toISOString(), version: 1 },
    });
    const plainHistory = await callApi("GET", `/models/${name}/aliases/champion/history`, { token });
    expect(plainHistory.json).toMatchObject({ versionAt: null });

    const detail = await callApi("GET", `/models/${name}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({
      name,
      latestVersion: 2,
      aliases: [{ alias: "champion", version: 2 }],
      keyMetrics: ["auc"],
    });

    const version = await callApi("GET", `/models/${name}/versions/1`, { token });
    expect(version.json).toMatchObject({
      version: 1,
      signature: { inputs: [{ name: "amount" }, { name: "hour", shape: [null, 1] }] },
      format: "ONNX",
    });
    expect((await callApi("GET", `/models/${name}/versions/3`, { token })).status).toBe(404);

    const listed = await callApi("GET", `/models?search=${name}&pageSize=5`, { token });
    expect(listed.json).toMatchObject({ total: 1, pageSize: 5, items: [{ name, latestVersion: 2, versionCount: 2 }] });

    const removed = await callApi("DELETE", `/models/${name}/aliases/champion`, {
      token,
      json: { reason: "rollback drill" },
    });
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ previousVersion: 2, event: { toVersion: null } });
    expect((await callApi("DELETE", `/models/${name}/aliases/champion`, { token, json: {} })).status).toBe(404);

    await callApi("PUT", `/models/${name}/aliases/staging`, { token, json: { version: 1, reason: "try it" } });
    const withoutBody = await callApi("DELETE", `/models/${name}/aliases/staging`, { token });
    expect(withoutBody.status).toBe(200);
    expect(withoutBody.json).toMatchObject({ previousVersion: 1 });
  });

  it("maps refusals to 400, 404, 409 and 422 without writing anything", async () => {
    const { secret: token, ctx } = await writer();
    const name = unique("rest-refusals");
    await callApi("POST", "/models", { token, json: { name, taskType: "OTHER" } });
    const { run } = await givenOnnxRun(ctx, { artifacts: { "card.json": '{"model": "not weights"}' } });
    const register = (json: Record<string, unknown>) =>
      callApi("POST", `/models/${name}/versions`, { token, json: { runId: run.id, ...json } });
    expect((await register({ artifactPath: "model.onnx", format: "ONNX" })).status).toBe(201);
    const before = await registryCounts();

    const duplicateModel = await callApi("POST", "/models", { token, json: { name, taskType: "OTHER" } });
    expect(duplicateModel.status).toBe(409);
    const invalidName = await callApi("POST", "/models", { token, json: { name: "bad name", taskType: "OTHER" } });
    expect(invalidName.status).toBe(400);
    expect(invalidName.json.error?.message).toMatch(/name/);
    expect(
      (await callApi("POST", "/models", { token, json: { name: unique("m"), team: "Ghosts", taskType: "OTHER" } }))
        .status,
    ).toBe(404);
    expect((await register({ artifactPath: "model.onnx", format: "ONNX" })).status).toBe(409);
    expect((await register({ runId: "missing", artifactPath: "model.onnx", format: "ONNX" })).status).toBe(404);
    const badSignature = await register({
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: { inputs: [{ name: "x", type: "complex64" }], outputs: [] },
    });
    expect(badSignature.status).toBe(400);
    const noArtifact = await register({ format: "ONNX" });
    expect(noArtifact.status).toBe(400);
    expect(noArtifact.json.error?.message).toMatch(/artifactPath/);
    const notOnnx = await register({ artifactPath: "card.json", format: "ONNX" });
    expect(notOnnx.status).toBe(422);
    expect(notOnnx.json.error).toMatchObject({
      code: "UNPROCESSABLE",
      message: expect.stringContaining('Artifact "card.json" is not an ONNX model onnxruntime can load'),
    });
    expect(
      (await callApi("PUT", `/models/${name}/aliases/latest`, { token, json: { version: 1, reason: "no" } })).status,
    ).toBe(400);
    expect((await callApi("PUT", `/models/${name}/aliases/champion`, { token, json: { version: 1 } })).status).toBe(
      400,
    );
    expect(
      (await callApi("PUT", `/models/${name}/aliases/champion`, { token, json: { version: 4, reason: "x" } })).status,
    ).toBe(404);
    expect((await callApi("GET", `/models/${name}/aliases/champion/history?at=yesterday`, { token })).status).toBe(400);
    expect((await callApi("GET", "/models/unknown-model", { token })).status).toBe(404);

    expect(await registryCounts()).toEqual(before);
  });

  it("refuses a read-only token (403), a write token whose owner became a viewer (403) and no token (401)", async () => {
    const owner = await writer();
    const name = unique("rest-scope");
    await callApi("POST", "/models", { token: owner.secret, json: { name, taskType: "OTHER" } });
    const { run } = await givenOnnxRun(owner.ctx);
    const readOnly = await givenToken("DATA_SCIENTIST", ["read"]);
    const demoted = await writer();
    await db().user.update({ where: { id: demoted.user.id }, data: { role: "VIEWER" } });
    const before = await registryCounts();

    const byReadToken = await callApi("POST", `/models/${name}/versions`, {
      token: readOnly.secret,
      json: { runId: run.id, artifactPath: "model.onnx", format: "ONNX" },
    });
    expect(byReadToken.status).toBe(403);
    expect(byReadToken.json.error?.message).toContain("models:write");
    expect(
      (
        await callApi("POST", `/models/${name}/versions`, {
          token: demoted.secret,
          json: { runId: run.id, artifactPath: "model.onnx", format: "ONNX" },
        })
      ).status,
    ).toBe(403);
    expect(
      (await callApi("POST", "/models", { token: readOnly.secret, json: { name: unique("m"), taskType: "OTHER" } }))
        .status,
    ).toBe(403);
    expect(
      (
        await callApi("POST", `/models/${name}/versions`, {
          json: { runId: run.id, artifactPath: "model.onnx", format: "ONNX" },
        })
      ).status,
    ).toBe(401);
    expect((await callApi("GET", `/models/${name}`, { token: readOnly.secret })).status).toBe(200);

    expect(await registryCounts()).toEqual(before);
  });

  it("documents every /models route in the OpenAPI document", () => {
    const document = buildOpenApiDocument(allEndpoints);
    expect(
      Object.keys(document.paths)
        .filter((p) => p.startsWith("/models"))
        .sort(),
    ).toEqual([
      "/models",
      "/models/{name}",
      "/models/{name}/aliases/{alias}",
      "/models/{name}/aliases/{alias}/history",
      "/models/{name}/batch-jobs",
      "/models/{name}/datasets",
      "/models/{name}/golden-sets",
      "/models/{name}/golden-sets/from-labels",
      "/models/{name}/versions",
      "/models/{name}/versions/{version}",
      "/models/{name}/versions/{version}/gate",
      "/models/{name}/versions/{version}/sla",
    ]);
    expect(document.components?.schemas).toHaveProperty("ModelSignature");
    expect(document.components?.schemas).toHaveProperty("VersionSla");
  });
});
