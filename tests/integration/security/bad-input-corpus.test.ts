import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { createExperiment } from "@/server/services/experiments/experiments";
import { createRun } from "@/server/services/experiments/runs";
import { registerVersion } from "@/server/services/registry/register-version";
import { setAlias } from "@/server/services/registry/set-alias";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { givenModel, givenOnnxRun } from "@/tests/integration/registry/fixtures";
import { givenCapturedPredictions } from "@/tests/integration/support/captured-predictions";

/**
 * The attacker's corpus, grown: every REST endpoint gets wrong types, out-of-range numbers, NUL and lone surrogates in
 * every text field, malformed and oversized bodies, wrong content types, broken %-encoding and path tricks. Each must be
 * answered 4xx with a stable error code (never 5xx), and none may change what the database or the artifact store holds.
 */

const NUL = "\u0000";
/** JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse turns back into a lone surrogate. */
const LONE_HIGH = "\ud800";
const LONE_LOW = "\udc00";
const NINE_MIB = 9 * 1024 * 1024;

type Expected = { status: number; code: string; detailsCode?: string };
type Case = {
  name: string;
  method: string;
  path: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  token?: "none" | "bad" | "readOnly";
  expected: Expected;
};

const badRequest: Expected = { status: 400, code: "BAD_REQUEST" };
const invalidText: Expected = { status: 400, code: "BAD_REQUEST", detailsCode: "INVALID_TEXT" };
const notFound: Expected = { status: 404, code: "NOT_FOUND" };
/** Any 4xx with a stable code: for inputs whose exact answer depends on routing or on what exists. */
const any4xx: Expected = { status: 0, code: "" };

let fixtures: {
  experimentId: string;
  runningRunId: string;
  finishedRunId: string;
  artifactId: string;
  modelName: string;
  endpointName: string;
  otherTaskEndpointName: string;
  predictionId: string;
};
let tokens: { full: string; readOnly: string };

beforeAll(async () => {
  const writer = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write", "feedback:write"]);
  const reader = await givenToken("DATA_SCIENTIST", ["read"]);
  tokens = { full: writer.secret, readOnly: reader.secret };
  const { ctx } = writer;
  const experiment = await createExperiment(ctx, { name: "corpus-experiment" });
  const running = await createRun(ctx, { experimentId: experiment.id, name: "corpus-running" });
  const artifact = await uploadArtifact(ctx, {
    runId: running.id,
    path: "notes.txt",
    contentType: "text/plain",
    body: new Blob(["hello"]).stream(),
  });
  const model = await givenModel(ctx, { name: "corpus-model" });
  const { run: finished } = await givenOnnxRun(ctx);
  await registerVersion(ctx, model.name, { runId: finished.id, artifactPath: "model.onnx", format: "ONNX" });
  await setAlias(ctx, model.name, "staging", { version: 1, reason: "corpus fixture" });
  const feedback = await givenFeedbackEndpoints(writer.team.id, writer.user.id);
  fixtures = {
    ...feedback,
    experimentId: experiment.id,
    runningRunId: running.id,
    finishedRunId: finished.id,
    artifactId: artifact.id,
    modelName: model.name,
  };
});

/** A classifier's endpoint with one captured prediction, and an endpoint whose model takes no feedback (OTHER). */
async function givenFeedbackEndpoints(teamId: string, userId: string) {
  const endpointOf = async (name: string, taskType: "CLASSIFICATION" | "OTHER") => {
    const model = await db().registeredModel.create({
      data: { name: `${name}-model`, teamId, taskType, createdById: userId },
    });
    return db().endpoint.create({ data: { name, modelId: model.id, environment: "PRODUCTION", target: "LOCAL" } });
  };
  const endpoint = await endpointOf("corpus-feedback", "CLASSIFICATION");
  const other = await endpointOf("corpus-other-task", "OTHER");
  const [prediction] = await givenCapturedPredictions([{ endpointId: endpoint.id, endpointName: endpoint.name }]);
  return { endpointName: endpoint.name, otherTaskEndpointName: other.name, predictionId: prediction!.id };
}

/** Everything the REST endpoints write, hashed row by row (API tokens are left out: reading stamps lastUsedAt). */
const WRITTEN_TABLES = [
  "Experiment",
  "Run",
  "RunParam",
  "MetricSeries",
  "MetricPoint",
  "Artifact",
  "RegisteredModel",
  "ModelVersion",
  "ModelAlias",
  "AliasEvent",
  "ReferenceProfile",
  "ReferenceFeature",
  "AuditLog",
  "CapturedPrediction",
  "PredictionOutcome",
  "Team",
  "User",
];

async function storedFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return storedFiles(full);
      return [`${full}:${(await stat(full)).size}`];
    }),
  );
  return nested.flat().sort();
}

async function fingerprint() {
  const tables: Record<string, string> = {};
  for (const table of WRITTEN_TABLES) {
    const [row] = await db().$queryRawUnsafe<{ digest: string | null; count: bigint }[]>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS count FROM "${table}" t`,
    );
    tables[table] = `${row?.count ?? 0}:${row?.digest ?? ""}`;
  }
  return { tables, files: await storedFiles(process.env.ARTIFACT_ROOT ?? "") };
}

// ---- The endpoints' JSON bodies: a valid body each, and which of its fields hold text and whole numbers. ----

type BodySpec = {
  name: string;
  method: string;
  path: () => string;
  valid: () => Record<string, unknown>;
  text: string[][];
  /** Text fields that also take a number (param values: 0.1 is logged as "0.1"). */
  textOrNumber?: string[][];
  /** Whole-number fields with their largest allowed value. */
  ints?: { at: string[]; max: number }[];
  numbers?: string[][];
};

const BODY_ENDPOINTS: BodySpec[] = [
  {
    name: "create experiment",
    method: "POST",
    path: () => "/experiments",
    valid: () => ({ name: "corpus-new-experiment", description: "about it" }),
    text: [["name"], ["description"]],
  },
  {
    name: "create run",
    method: "POST",
    path: () => "/runs",
    valid: () => ({
      experimentId: fixtures.experimentId,
      name: "corpus-new-run",
      gitCommit: "0123abcd",
      datasetRef: "s3://bucket/data.csv",
      tags: { owner: "corpus" },
      startTime: "2026-01-01T00:00:00Z",
    }),
    text: [["experimentId"], ["name"], ["gitCommit"], ["datasetRef"], ["tags", "owner"], ["startTime"]],
  },
  {
    name: "log batch",
    method: "POST",
    path: () => `/runs/${fixtures.runningRunId}/log`,
    valid: () => ({
      params: { lr: "0.1" },
      metrics: [{ key: "loss", value: 0.5, step: 1, timestamp: 1_700_000_000_000 }],
      tags: { stage: "corpus" },
    }),
    text: [
      ["params", "lr"],
      ["metrics", "0", "key"],
      ["tags", "stage"],
    ],
    textOrNumber: [["params", "lr"]],
    ints: [
      { at: ["metrics", "0", "step"], max: 2 ** 31 - 1 },
      { at: ["metrics", "0", "timestamp"], max: Number.MAX_SAFE_INTEGER },
    ],
    numbers: [["metrics", "0", "value"]],
  },
  {
    name: "finish run",
    method: "POST",
    path: () => `/runs/${fixtures.runningRunId}/finish`,
    valid: () => ({ status: "FINISHED", endTime: "2026-01-01T01:00:00Z" }),
    text: [["status"], ["endTime"]],
  },
  {
    name: "create model",
    method: "POST",
    path: () => "/models",
    valid: () => ({ name: "corpus-new-model", taskType: "CLASSIFICATION", tags: ["fraud"], description: "d" }),
    text: [["name"], ["taskType"], ["tags", "0"], ["description"]],
  },
  {
    name: "register version",
    method: "POST",
    path: () => `/models/${fixtures.modelName}/versions`,
    valid: () => ({
      runId: fixtures.runningRunId,
      artifactPath: "notes.txt",
      format: "ONNX",
      description: "d",
      referenceSamplePath: "sample.csv",
    }),
    text: [["runId"], ["artifactPath"], ["format"], ["description"], ["referenceSamplePath"]],
  },
  {
    name: "set alias",
    method: "PUT",
    path: () => `/models/${fixtures.modelName}/aliases/champion`,
    valid: () => ({ version: 1, reason: "better" }),
    text: [["reason"]],
    ints: [{ at: ["version"], max: 2 ** 31 - 1 }],
  },
  {
    name: "remove alias",
    method: "DELETE",
    path: () => `/models/${fixtures.modelName}/aliases/staging`,
    valid: () => ({ reason: "done" }),
    text: [["reason"]],
  },
  {
    name: "start a batch job",
    method: "POST",
    path: () => `/models/${fixtures.modelName}/batch-jobs`,
    valid: () => ({ version: 1, inputArtifactId: "corpus-dataset", keyColumns: ["id"], batchSize: 100 }),
    text: [["inputArtifactId"], ["keyColumns", "0"]],
    ints: [
      { at: ["version"], max: 2 ** 31 - 1 },
      { at: ["batchSize"], max: 10_000 },
      { at: ["maxFailedRows"], max: 10_000_000 },
    ],
  },
  {
    name: "send feedback",
    method: "POST",
    path: () => `/endpoints/${fixtures.endpointName}/feedback`,
    valid: () => ({ outcomes: [{ predictionId: fixtures.predictionId, label: "1", knownAt: "2026-12-02T12:00:00Z" }] }),
    text: [
      ["outcomes", "0", "predictionId"],
      ["outcomes", "0", "label"],
      ["outcomes", "0", "knownAt"],
    ],
  },
];

function withValue(body: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let target = copy as Record<string, unknown>;
  for (const key of at.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[at[at.length - 1]!] = value;
  return copy;
}

/** A body with the value at `at` replaced by raw JSON text (1e309, NaN: what JSON.stringify cannot write). */
function withRawValue(body: Record<string, unknown>, at: string[], raw: string): string {
  const marker = "__corpus_raw_value__";
  return JSON.stringify(withValue(body, at, marker)).replace(`"${marker}"`, raw);
}

const json = { "content-type": "application/json" };

function bodyCases(spec: BodySpec): Case[] {
  const base = { method: spec.method };
  const cases: Case[] = [];
  const add = (name: string, c: Omit<Case, "name" | "method" | "path">) =>
    cases.push({ ...base, ...c, name: `${spec.name}: ${name}`, path: spec.path() });

  for (const text of ["{", '{"a":}', "[1,2", "nul", '{"name":"x",}', "{'a':1}"]) {
    add(`malformed JSON ${text}`, { body: text, headers: json, expected: badRequest });
  }
  for (const type of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
  ]) {
    add(`content type ${type}`, {
      body: JSON.stringify(spec.valid()),
      headers: { "content-type": type },
      expected: { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    });
  }
  add("empty body", { body: "", headers: json, expected: badRequest });
  add("whitespace body", { body: "  \n ", headers: json, expected: badRequest });
  for (const value of [[], "text", 42, null, true]) {
    add(`body ${JSON.stringify(value)}`, { json: value, expected: badRequest });
  }
  add("body over 8 MiB", {
    body: JSON.stringify({ ...spec.valid(), padding: "x".repeat(NINE_MIB) }),
    headers: json,
    expected: { status: 413, code: "PAYLOAD_TOO_LARGE" },
  });
  for (const at of spec.text) {
    const where = at.join(".");
    add(`NUL in ${where}`, { json: withValue(spec.valid(), at, `a${NUL}b`), expected: invalidText });
    add(`lone high surrogate in ${where}`, {
      json: withValue(spec.valid(), at, `a${LONE_HIGH}`),
      expected: invalidText,
    });
    add(`lone low surrogate in ${where}`, { json: withValue(spec.valid(), at, `${LONE_LOW}b`), expected: invalidText });
    if (!spec.textOrNumber?.some((other) => other.join(".") === where)) {
      add(`number for text ${where}`, { json: withValue(spec.valid(), at, 12), expected: badRequest });
    }
    add(`object for text ${where}`, { json: withValue(spec.valid(), at, { nested: true }), expected: badRequest });
  }
  for (const { at, max } of spec.ints ?? []) {
    const where = at.join(".");
    for (const value of [max + 1, 2 ** 53 + 2, -1, 1.5, "NaN", null, [1], { n: 1 }, true, "0x10"]) {
      add(`${JSON.stringify(value)} for ${where}`, { json: withValue(spec.valid(), at, value), expected: badRequest });
    }
    // A version given as text is read as a number (path parameters are text too): "7" is then a missing version.
    add(`"7" for ${where}`, { json: withValue(spec.valid(), at, "7"), expected: any4xx });
    for (const raw of ["1e309", "-1e309", "NaN", "Infinity"]) {
      add(`raw ${raw} for ${where}`, {
        body: withRawValue(spec.valid(), at, raw),
        headers: json,
        expected: badRequest,
      });
    }
  }
  for (const at of spec.numbers ?? []) {
    const where = at.join(".");
    add(`1e309 for ${where}`, { body: withRawValue(spec.valid(), at, "1e309"), headers: json, expected: badRequest });
    add(`"NaN" for ${where}`, { json: withValue(spec.valid(), at, "NaN"), expected: badRequest });
  }
  add("NUL in an unknown key", { json: { ...spec.valid(), [`x${NUL}`]: 1 }, expected: invalidText });
  add("lone surrogate in an unknown key's value", {
    json: { ...spec.valid(), extra: LONE_HIGH },
    expected: invalidText,
  });
  return cases;
}

// ---- Path parameters: broken %-encoding, NUL, lone surrogates, path tricks, very long names. ----

const PATH_ENDPOINTS: { name: string; method: string; path: (segment: string) => string; body?: unknown }[] = [
  { name: "get experiment", method: "GET", path: (s) => `/experiments/${s}` },
  { name: "get run", method: "GET", path: (s) => `/runs/${s}` },
  { name: "log to run", method: "POST", path: (s) => `/runs/${s}/log`, body: { params: { a: "1" } } },
  { name: "finish run", method: "POST", path: (s) => `/runs/${s}/finish`, body: { status: "FINISHED" } },
  { name: "artifact content", method: "GET", path: (s) => `/artifacts/${s}/content` },
  { name: "get model", method: "GET", path: (s) => `/models/${s}` },
  { name: "get version", method: "GET", path: (s) => `/models/${s}/versions/1` },
  { name: "alias history", method: "GET", path: (s) => `/models/no-such-model/aliases/${s}/history` },
  {
    name: "set alias",
    method: "PUT",
    path: (s) => `/models/corpus-model/aliases/${s}`,
    body: { version: 1, reason: "r" },
  },
  { name: "signed download", method: "GET", path: (s) => `/artifacts/${s}/download?expires=1&signature=x` },
];

function pathCases(): Case[] {
  const segments: [string, string, Expected | "4xx"][] = [
    ["broken %-encoding", "%E0%A4%A", badRequest],
    ["truncated %-escape", "abc%", badRequest],
    ["encoded NUL", "a%00b", invalidText],
    ["encoded lone surrogate (CESU-8)", "%ED%A0%80", badRequest],
    ["encoded slash", "a%2Fb", "4xx"],
    ["encoded dot-dot", "%2E%2E", "4xx"],
    ["very long name", "n".repeat(5000), "4xx"],
  ];
  return PATH_ENDPOINTS.flatMap((endpoint) =>
    segments.map(([name, segment, expected]) => ({
      name: `${endpoint.name}: ${name}`,
      method: endpoint.method,
      path: endpoint.path(segment),
      ...(endpoint.body ? { json: endpoint.body } : {}),
      expected: expected === "4xx" ? any4xx : expected,
    })),
  );
}

// ---- Query parameters and hand-written specials. ----

function specialCases(): Case[] {
  const f = fixtures;
  const cases: Case[] = [];
  const add = (c: Case) => cases.push(c);
  for (const list of ["/experiments", "/models"]) {
    for (const [query, expected] of [
      ["page=2147483648", badRequest],
      ["page=1000001", badRequest],
      ["page=-1", badRequest],
      ["page=0", badRequest],
      ["page=1.5", badRequest],
      ["page=NaN", badRequest],
      ["page=1e309", badRequest],
      ["page=abc", badRequest],
      ["pageSize=101", badRequest],
      ["pageSize=0", badRequest],
      ["pageSize=-5", badRequest],
      ["search=a%00b", invalidText],
      [`search=${"s".repeat(300)}`, badRequest],
    ] as const) {
      add({ name: `list ${list}?${query.slice(0, 30)}`, method: "GET", path: `${list}?${query}`, expected });
    }
  }
  for (const [query, expected] of [
    ["sort=password", badRequest],
    ["order=sideways", badRequest],
    ["taskType=WEATHER", badRequest],
    ["tag=a%00", invalidText],
    ["team=x%00y", invalidText],
  ] as const) {
    add({ name: `list models ?${query}`, method: "GET", path: `/models?${query}`, expected });
  }
  for (const version of [
    "2147483648",
    "9007199254740993",
    "-1",
    "0",
    "1.5",
    "1e3",
    "1e309",
    "NaN",
    "abc",
    "%20",
    "0x10",
  ]) {
    add({
      name: `version ${version}`,
      method: "GET",
      path: `/models/${f.modelName}/versions/${version}`,
      expected: badRequest,
    });
  }
  for (const at of ["yesterday", "2026-13-45T00:00:00Z", "a%00"]) {
    add({
      name: `alias history at=${at}`,
      method: "GET",
      path: `/models/${f.modelName}/aliases/staging/history?at=${at}`,
      expected: at.includes("%00") ? invalidText : badRequest,
    });
  }
  add({ name: "dot-dot out of the API", method: "GET", path: "/runs/../../../etc/passwd", expected: notFound });
  add({ name: "unknown route", method: "GET", path: "/admin/users", expected: notFound });
  add({
    name: "wrong method",
    method: "PATCH",
    path: "/experiments",
    json: {},
    expected: { status: 405, code: "METHOD_NOT_ALLOWED" },
  });

  // Uploads: the path in the query, the content type, the run's state.
  const upload = (
    name: string,
    query: string,
    expected: Expected,
    headers: Record<string, string> = {},
    runId = f.runningRunId,
  ) =>
    add({
      name: `upload: ${name}`,
      method: "POST",
      path: `/runs/${runId}/artifacts${query}`,
      body: "bytes",
      headers,
      expected,
    });
  upload("no path", "", badRequest);
  upload("empty path", "?path=", badRequest);
  upload("absolute path", "?path=%2Fetc%2Fpasswd", badRequest);
  upload("dot-dot path", "?path=..%2F..%2Fsecret", badRequest);
  upload("backslash path", "?path=a%5Cb", badRequest);
  upload("NUL in path", "?path=a%00b", invalidText);
  upload("control character in path", "?path=a%07b", badRequest);
  upload("very long path", `?path=${"p".repeat(600)}`, badRequest);
  upload(
    "multipart body",
    "?path=x.bin",
    { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    {
      "content-type": "multipart/form-data; boundary=x",
    },
  );
  upload(
    "form body",
    "?path=x.bin",
    { status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    {
      "content-type": "application/x-www-form-urlencoded",
    },
  );
  upload("junk content type", "?path=x.bin", badRequest, { "content-type": "not a type" });
  upload("existing path", "?path=notes.txt", { status: 409, code: "CONFLICT" });
  upload("into a FINISHED run", "?path=late.bin", { status: 409, code: "CONFLICT" }, {}, f.finishedRunId);
  upload("into a missing run", "?path=x.bin", notFound, {}, "no-such-run");

  // State: finished runs take nothing more.
  add({
    name: "log to a FINISHED run",
    method: "POST",
    path: `/runs/${f.finishedRunId}/log`,
    json: { params: { a: "1" } },
    expected: { status: 409, code: "CONFLICT" },
  });
  add({
    name: "finish a FINISHED run",
    method: "POST",
    path: `/runs/${f.finishedRunId}/finish`,
    json: { status: "FINISHED" },
    expected: { status: 409, code: "CONFLICT" },
  });
  add({ name: "log nothing", method: "POST", path: `/runs/${f.runningRunId}/log`, json: {}, expected: badRequest });
  add({
    name: "log 10,001 points",
    method: "POST",
    path: `/runs/${f.runningRunId}/log`,
    json: { metrics: Array.from({ length: 10_001 }, (_, step) => ({ key: "loss", value: 1, step })) },
    expected: badRequest,
  });
  add({
    name: "run with both experiment id and name",
    method: "POST",
    path: "/runs",
    json: { experimentId: f.experimentId, experimentName: "other" },
    expected: badRequest,
  });
  add({
    name: "run in a missing experiment, unknown fields ignored",
    method: "POST",
    path: "/runs",
    json: { experimentId: "no-such-experiment", __proto__x: { admin: true }, role: "ADMIN" },
    expected: notFound,
  });
  add({
    name: "prototype key in tags",
    method: "POST",
    path: `/runs/${f.runningRunId}/log`,
    body: '{"tags":{"__proto__":{"polluted":"yes"}}}',
    headers: json,
    expected: badRequest,
  });
  add({
    name: "alias to a missing version",
    method: "PUT",
    path: `/models/${f.modelName}/aliases/champion`,
    json: { version: 2_147_483_647, reason: "max int4", unknown: "ignored" },
    expected: notFound,
  });
  add({
    name: "invalid alias name",
    method: "PUT",
    path: `/models/${f.modelName}/aliases/Not%20An%20Alias`,
    json: { version: 1, reason: "r" },
    expected: badRequest,
  });
  add({
    name: "duplicate model",
    method: "POST",
    path: "/models",
    json: { name: f.modelName, taskType: "CLASSIFICATION", extra: { nested: [1, 2] } },
    expected: { status: 409, code: "CONFLICT" },
  });
  add({
    name: "signature with a 2^31 dimension",
    method: "POST",
    path: `/models/${f.modelName}/versions`,
    json: {
      runId: f.finishedRunId,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: { inputs: [{ name: "x", type: "float32", shape: [2 ** 31] }], outputs: [] },
    },
    expected: badRequest,
  });
  add({
    name: "signed download: not a digest",
    method: "GET",
    path: "/artifacts/not-hex/download?expires=1&signature=x",
    expected: badRequest,
  });
  add({
    name: "signed download: forged signature",
    method: "GET",
    path: `/artifacts/${"a".repeat(64)}/download?expires=99999999999&signature=forged`,
    expected: { status: 403, code: "FORBIDDEN" },
  });
  add({
    name: "signed download: long query",
    method: "GET",
    path: `/artifacts/${"a".repeat(64)}/download?expires=${"9".repeat(40)}&signature=x`,
    expected: badRequest,
  });

  // Ground truth: every invalid row refuses the whole call.
  const feedback = (name: string, outcomes: unknown, expected: Expected = badRequest, endpoint = f.endpointName) =>
    add({
      name: `feedback: ${name}`,
      method: "POST",
      path: `/endpoints/${endpoint}/feedback`,
      json: { outcomes },
      expected,
    });
  const row = (fields: Record<string, unknown>) => ({
    predictionId: f.predictionId,
    label: "1",
    knownAt: "2026-12-02T12:00:00Z",
    ...fields,
  });
  feedback("label not one of the classes", [row({ label: "fraudish" })]);
  feedback("value for a classifier", [row({ label: undefined, value: 1 })]);
  feedback("label and value", [row({ value: 1 })]);
  feedback("neither label nor value", [row({ label: undefined })]);
  feedback("knownAt in the future", [row({ knownAt: "2999-01-01T00:00:00Z" })]);
  feedback("knownAt before the prediction", [row({ knownAt: "2026-12-01T00:00:00Z" })]);
  feedback("knownAt without an offset", [row({ knownAt: "2026-12-02T12:00:00" })]);
  feedback("knownAt not a time", [row({ knownAt: "soon" })]);
  feedback("no knownAt", [row({ knownAt: undefined })]);
  feedback("both keys", [row({ correlationId: "txn-1" })]);
  feedback("neither key", [row({ predictionId: undefined })]);
  feedback("predictionId not a UUID", [row({ predictionId: "12345" })]);
  feedback("correlationId over 200 characters", [row({ predictionId: undefined, correlationId: "c".repeat(201) })]);
  feedback("the same key twice with different labels", [row({}), row({ label: "0" })]);
  feedback("an unknown field in a row", [row({ weight: 2 })]);
  feedback("no outcomes", []);
  feedback("outcomes not a list", { predictionId: f.predictionId });
  feedback(
    "10,001 outcomes",
    Array.from({ length: 10_001 }, () => row({})),
  );
  feedback("a row that is not an object", ["1"]);
  feedback(
    "a model that takes no feedback",
    [row({})],
    { status: 422, code: "UNPROCESSABLE" },
    f.otherTaskEndpointName,
  );
  feedback("an endpoint that does not exist", [row({})], notFound, "no-such-endpoint");
  feedback("an endpoint name over 200 characters", [row({})], badRequest, "e".repeat(201));
  add({
    name: "feedback: raw 1e309 value",
    method: "POST",
    path: `/endpoints/${f.endpointName}/feedback`,
    body: `{"outcomes":[{"predictionId":"${f.predictionId}","value":1e309,"knownAt":"2026-12-02T12:00:00Z"}]}`,
    headers: json,
    expected: badRequest,
  });
  add({
    name: "feedback: read-only token",
    method: "POST",
    path: `/endpoints/${f.endpointName}/feedback`,
    json: { outcomes: [row({})] },
    token: "readOnly",
    expected: { status: 403, code: "FORBIDDEN" },
  });

  // Credentials.
  add({
    name: "no token",
    method: "POST",
    path: "/experiments",
    json: { name: "x" },
    token: "none",
    expected: { status: 401, code: "UNAUTHORIZED" },
  });
  add({
    name: "unknown token",
    method: "POST",
    path: "/experiments",
    json: { name: "x" },
    token: "bad",
    expected: { status: 401, code: "UNAUTHORIZED" },
  });
  add({
    name: "read-only token writes",
    method: "POST",
    path: "/models",
    json: { name: "ro-model", taskType: "OTHER" },
    token: "readOnly",
    expected: { status: 403, code: "FORBIDDEN" },
  });
  add({
    name: "malformed authorization",
    method: "GET",
    path: "/experiments",
    headers: { authorization: "Basic dXNlcjpwYXNz" },
    token: "none",
    expected: { status: 401, code: "UNAUTHORIZED" },
  });
  return cases;
}

async function send(c: Case) {
  const token =
    c.token === "none"
      ? undefined
      : c.token === "bad"
        ? "mp_not_a_real_token"
        : c.token === "readOnly"
          ? tokens.readOnly
          : tokens.full;
  return callApi(c.method, c.path, { token, json: c.json, body: c.body, headers: c.headers });
}

describe("the bad-input corpus against every REST endpoint", () => {
  it("answers every case 4xx with a stable code, never 5xx, and changes nothing", async () => {
    const cases = [...BODY_ENDPOINTS.flatMap(bodyCases), ...pathCases(), ...specialCases()];
    expect(cases.length).toBeGreaterThanOrEqual(200);
    const before = await fingerprint();
    const failures: string[] = [];
    for (const c of cases) {
      const response = await send(c).catch((error: unknown) => ({ status: -1, json: undefined, text: String(error) }));
      const code = response.json?.error?.code;
      const details = (response.json?.error as { details?: { code?: string } } | undefined)?.details;
      const problems = [
        response.status < 400 || response.status >= 500 ? `status ${response.status}` : null,
        typeof code !== "string" || !/^[A-Z_]+$/.test(code) ? `no stable code (${response.text.slice(0, 120)})` : null,
        c.expected.status && response.status !== c.expected.status
          ? `status ${response.status} ≠ ${c.expected.status}`
          : null,
        c.expected.code && code !== c.expected.code ? `code ${code} ≠ ${c.expected.code}` : null,
        c.expected.detailsCode && details?.code !== c.expected.detailsCode
          ? `details.code ${details?.code} ≠ ${c.expected.detailsCode}`
          : null,
        /prisma|postgres|sql|invocation|stack/i.test(response.text) ? "internal text in the answer" : null,
      ].filter((p): p is string => p !== null);
      if (problems.length > 0) failures.push(`${c.method} ${c.name}: ${problems.join("; ")}`);
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
  }, 180_000);
});
