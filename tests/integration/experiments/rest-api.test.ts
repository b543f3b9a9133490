import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { allEndpoints } from "@/server/rest/endpoints";
import { buildOpenApiDocument } from "@/server/rest/openapi";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { tableCounts, uniqueName } from "@/tests/integration/experiments/helpers";

const writer = () => givenToken("DATA_SCIENTIST", ["read", "runs:write"]);

async function startRun(token: string, body: Record<string, unknown> = {}) {
  const response = await callApi("POST", "/runs", { token, json: { experimentName: uniqueName("rest"), ...body } });
  expect(response.status).toBe(201);
  return response.json as { id: string; experimentId: string; experimentName: string };
}

async function expectRefused(
  call: () => Promise<{ status: number; json: { error?: { code: string; message: string } } }>,
  status: number,
  message: string | RegExp,
) {
  const before = await tableCounts();
  const response = await call();
  expect(response.status).toBe(status);
  if (typeof message === "string") expect(response.json.error?.message).toBe(message);
  else expect(response.json.error?.message).toMatch(message);
  expect(await tableCounts()).toEqual(before);
}

describe("REST: authentication and authorisation", () => {
  it("401 without a token, 401 with an unknown one", async () => {
    await expectRefused(
      () => callApi("GET", "/experiments"),
      401,
      "Missing bearer token (Authorization: Bearer <token>)",
    );
    await expectRefused(
      () => callApi("POST", "/experiments", { token: "mp_wrong", json: { name: "x" } }),
      401,
      "Invalid API token",
    );
  });

  it("403 when the token lacks the scope", async () => {
    const readOnly = await givenToken("DATA_SCIENTIST", ["read"]);
    await expectRefused(
      () => callApi("POST", "/experiments", { token: readOnly.secret, json: { name: uniqueName("x") } }),
      403,
      'This token lacks the "runs:write" scope',
    );
    await expectRefused(
      () => callApi("POST", "/runs", { token: readOnly.secret, json: { experimentName: uniqueName("x") } }),
      403,
      'This token lacks the "runs:write" scope',
    );
    const writeOnly = await givenToken("DATA_SCIENTIST", ["runs:write"]);
    await expectRefused(
      () => callApi("GET", "/experiments", { token: writeOnly.secret }),
      403,
      'This token lacks the "read" scope',
    );
  });

  it("403 when a viewer's token has a write scope (its owner was demoted after creating it)", async () => {
    const viewer = await givenToken("DATA_SCIENTIST", ["read", "runs:write"]);
    await db().user.update({ where: { id: viewer.user.id }, data: { role: "VIEWER" } });
    await expectRefused(
      () => callApi("POST", "/experiments", { token: viewer.secret, json: { name: uniqueName("x") } }),
      403,
      "Your role (VIEWER) may not do this",
    );
    await expectRefused(
      () => callApi("POST", "/runs", { token: viewer.secret, json: { experimentName: uniqueName("x") } }),
      403,
      "Your role (VIEWER) may not do this",
    );
    expect((await callApi("GET", "/experiments", { token: viewer.secret })).status).toBe(200);
  });
});

describe("REST: experiments", () => {
  it("creates, lists and gets experiments", async () => {
    const { secret } = await writer();
    const name = uniqueName("rest-exp");
    const created = await callApi("POST", "/experiments", { token: secret, json: { name, description: "from CI" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      name,
      description: "from CI",
      runCount: 0,
      lastRunAt: null,
      teamName: "Test team",
    });
    const id = created.json.id as string;

    const list = await callApi("GET", `/experiments?search=${encodeURIComponent(name)}&page=1&pageSize=10`, {
      token: secret,
    });
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ total: 1, page: 1, pageSize: 10, items: [{ id, name }] });
    expect(typeof (list.json.items as { createdAt: unknown }[])[0]?.createdAt).toBe("string");

    const detail = await callApi("GET", `/experiments/${id}`, { token: secret });
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({ id, metricKeys: [], paramKeys: [] });
  });

  it("refuses bad query parameters, duplicates and unknown ids", async () => {
    const { secret } = await writer();
    const bad = await callApi("GET", "/experiments?pageSize=1000", { token: secret });
    expect(bad.status).toBe(400);
    expect(bad.json.error?.message).toMatch(/^Invalid query parameters/);
    const name = uniqueName("dup");
    expect((await callApi("POST", "/experiments", { token: secret, json: { name } })).status).toBe(201);
    await expectRefused(
      () => callApi("POST", "/experiments", { token: secret, json: { name } }),
      409,
      `An experiment named "${name}" already exists`,
    );
    await expectRefused(() => callApi("GET", "/experiments/nope", { token: secret }), 404, "Experiment not found");
  });

  it("refuses malformed JSON, a wrong content type, an oversized body and invalid fields", async () => {
    const { secret } = await writer();
    await expectRefused(
      () =>
        callApi("POST", "/experiments", {
          token: secret,
          body: '{"name": "x",',
          headers: { "content-type": "application/json" },
        }),
      400,
      /^Malformed JSON/,
    );
    await expectRefused(
      () =>
        callApi("POST", "/experiments", {
          token: secret,
          body: "name=x",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }),
      415,
      "Send the body as application/json",
    );
    const huge = JSON.stringify({ name: "huge", description: "x".repeat(9 * 1024 * 1024) });
    await expectRefused(
      () =>
        callApi("POST", "/experiments", { token: secret, body: huge, headers: { "content-type": "application/json" } }),
      413,
      "Request body exceeds 8 MiB",
    );
    await expectRefused(
      () => callApi("POST", "/experiments", { token: secret, json: { name: "" } }),
      400,
      /Invalid request body: .*Name is required/s,
    );
    await expectRefused(
      () => callApi("POST", "/experiments", { token: secret, json: [] }),
      400,
      /^Invalid request body/,
    );
  });
});

describe("REST: runs", () => {
  it("starts a run by experiment name (creating the experiment), then by id, and gets it", async () => {
    const { secret, user } = await writer();
    const name = uniqueName("set-experiment");
    const first = await callApi("POST", "/runs", {
      token: secret,
      json: {
        experimentName: name,
        name: "r1",
        gitCommit: "abc1234",
        datasetRef: "ds@1",
        tags: { env: "ci" },
        startTime: "2024-03-01T12:00:00Z",
      },
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      name: "r1",
      status: "RUNNING",
      experimentName: name,
      userName: user.name,
      gitCommit: "abc1234",
      datasetRef: "ds@1",
      tags: { env: "ci" },
      startTime: "2024-03-01T12:00:00.000Z",
      endTime: null,
    });
    const second = await callApi("POST", "/runs", { token: secret, json: { experimentId: first.json.experimentId } });
    expect(second.status).toBe(201);
    expect(second.json.experimentId).toBe(first.json.experimentId);
    const fetched = await callApi("GET", `/runs/${first.json.id as string}`, { token: secret });
    expect(fetched.status).toBe(200);
    expect(fetched.json).toMatchObject({ id: first.json.id, artifacts: [], versions: [], metricSeries: [] });
  });

  it("refuses unknown experiments and runs, and bad fields", async () => {
    const { secret } = await writer();
    await expectRefused(
      () => callApi("POST", "/runs", { token: secret, json: { experimentId: "nope" } }),
      404,
      "Experiment not found",
    );
    await expectRefused(
      () => callApi("POST", "/runs", { token: secret, json: {} }),
      400,
      /Give exactly one of experimentId or experimentName/,
    );
    await expectRefused(
      () => callApi("POST", "/runs", { token: secret, json: { experimentName: "x", startTime: "yesterday" } }),
      400,
      /startTime/,
    );
    await expectRefused(() => callApi("GET", "/runs/nope", { token: secret }), 404, "Run not found");
    await expectRefused(
      () => callApi("POST", "/runs/nope/log", { token: secret, json: { params: { a: 1 } } }),
      404,
      "Run not found",
    );
    await expectRefused(
      () => callApi("POST", "/runs/nope/finish", { token: secret, json: { status: "FINISHED" } }),
      404,
      "Run not found",
    );
  });

  it("logs a batch, including 1,000 points in one call", async () => {
    const { secret } = await writer();
    const run = await startRun(secret);
    const metrics = Array.from({ length: 1000 }, (_, step) => ({
      key: "loss",
      value: 1 / (step + 1),
      step,
      timestamp: 1_700_000_000_000 + step,
    }));
    const logged = await callApi("POST", `/runs/${run.id}/log`, {
      token: secret,
      json: { params: { lr: 0.001, layers: "3" }, metrics, tags: { phase: "train" } },
    });
    expect(logged.status).toBe(200);
    expect(logged.json).toEqual({
      runId: run.id,
      paramsLogged: 2,
      metricPoints: 1000,
      metricKeys: ["loss"],
      tagsSet: 1,
    });
    const fetched = await callApi("GET", `/runs/${run.id}`, { token: secret });
    expect(fetched.json).toMatchObject({
      params: { lr: "0.001", layers: "3" },
      metrics: { loss: 0.001 },
      tags: { phase: "train" },
      metricSeries: [{ key: "loss", pointCount: 1000, lastStep: 999, minValue: 0.001, maxValue: 1, lastValue: 0.001 }],
    });
  });

  it("refuses more than 10,000 points, non-numeric and non-finite values", async () => {
    const { secret } = await writer();
    const run = await startRun(secret);
    const tooMany = Array.from({ length: 10_001 }, (_, step) => ({ key: "loss", value: 0.5, step }));
    await expectRefused(
      () => callApi("POST", `/runs/${run.id}/log`, { token: secret, json: { metrics: tooMany } }),
      400,
      /At most 10,000 metric points per call/,
    );
    await expectRefused(
      () =>
        callApi("POST", `/runs/${run.id}/log`, {
          token: secret,
          json: { metrics: [{ key: "loss", value: "high", step: 0 }] },
        }),
      400,
      /Metric values must be finite numbers[\s\S]*metrics\[0\]\.value/,
    );
    // JSON cannot spell NaN, but 1e999 parses to Infinity.
    await expectRefused(
      () =>
        callApi("POST", `/runs/${run.id}/log`, {
          token: secret,
          body: '{"metrics":[{"key":"loss","value":1e999,"step":0}]}',
          headers: { "content-type": "application/json" },
        }),
      400,
      /Metric values must be finite numbers/,
    );
    await expectRefused(
      () =>
        callApi("POST", `/runs/${run.id}/log`, {
          token: secret,
          json: { metrics: [{ key: "loss", value: 1, step: -3 }] },
        }),
      400,
      /Steps must not be negative/,
    );
  });

  it("refuses a param re-logged with another value (409) and writes nothing of that batch", async () => {
    const { secret } = await writer();
    const run = await startRun(secret);
    expect(
      (await callApi("POST", `/runs/${run.id}/log`, { token: secret, json: { params: { lr: "0.1" } } })).status,
    ).toBe(200);
    expect(
      (await callApi("POST", `/runs/${run.id}/log`, { token: secret, json: { params: { lr: "0.1" } } })).json,
    ).toMatchObject({ paramsLogged: 0 });
    await expectRefused(
      () =>
        callApi("POST", `/runs/${run.id}/log`, {
          token: secret,
          json: { params: { lr: "0.5", other: "1" }, metrics: [{ key: "m", value: 1, step: 0 }], tags: { t: "v" } },
        }),
      409,
      'Param "lr" was already logged as "0.1" and cannot be changed to "0.5" (params are immutable)',
    );
    const fetched = await callApi("GET", `/runs/${run.id}`, { token: secret });
    expect(fetched.json).toMatchObject({ params: { lr: "0.1" }, metrics: {}, tags: {} });
  });

  it("finishes a run; logging to it or finishing it again is a conflict", async () => {
    const { secret } = await writer();
    const run = await startRun(secret);
    const finished = await callApi("POST", `/runs/${run.id}/finish`, { token: secret, json: { status: "FINISHED" } });
    expect(finished.status).toBe(200);
    expect(finished.json).toMatchObject({ status: "FINISHED", endTime: expect.any(String) });
    await expectRefused(
      () =>
        callApi("POST", `/runs/${run.id}/log`, {
          token: secret,
          json: { metrics: [{ key: "loss", value: 1, step: 0 }] },
        }),
      409,
      `Run ${run.id} is FINISHED; only RUNNING runs accept params, metrics and tags`,
    );
    await expectRefused(
      () => callApi("POST", `/runs/${run.id}/finish`, { token: secret, json: { status: "KILLED" } }),
      409,
      `Run ${run.id} has already ended with status FINISHED`,
    );
    await expectRefused(
      () => callApi("POST", `/runs/${run.id}/finish`, { token: secret, json: { status: "DONE" } }),
      400,
      /^Invalid request body/,
    );
    const audits = await db().auditLog.findMany({ where: { entityId: run.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["run.create", "run.finish"]);
    // Changes made through the API record which token made them.
    expect(audits.every((a) => typeof a.tokenId === "string" && a.tokenId.length > 0)).toBe(true);
  });
});

describe("REST: OpenAPI", () => {
  it("documents every experiments endpoint with its schemas", () => {
    const document = buildOpenApiDocument(allEndpoints);
    const paths = document.paths ?? {};
    for (const [path, method] of [
      ["/experiments", "get"],
      ["/experiments", "post"],
      ["/experiments/{experimentId}", "get"],
      ["/runs", "post"],
      ["/runs/{runId}", "get"],
      ["/runs/{runId}/log", "post"],
      ["/runs/{runId}/finish", "post"],
      ["/runs/{runId}/artifacts", "post"],
      ["/artifacts/{artifactId}/content", "get"],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(JSON.stringify(paths["/runs/{runId}/artifacts"]?.post?.requestBody)).toContain("application/octet-stream");
    expect(Object.keys(document.components?.schemas ?? {})).toEqual(
      expect.arrayContaining([
        "ExperimentList",
        "ExperimentSummary",
        "Experiment",
        "Run",
        "LogBatchResult",
        "UploadedArtifact",
      ]),
    );
  });
});
