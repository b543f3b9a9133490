import { createHash } from "node:crypto";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_MAX_BODY_BYTES as MAX_BODY_BYTES } from "@/contracts/limits";
import { serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import { startRuntime, temporaryDirectory, type RunningRuntime } from "@/tests/integration/runtime/runtime-process";

// A corpus of bad requests against the real runtime: every one is answered 4xx with a stable code, never 5xx.

let runtime: RunningRuntime;
let models: Awaited<ReturnType<typeof temporaryDirectory>>;
const KEY = "k".repeat(40);

beforeAll(async () => {
  models = await temporaryDirectory("modelport-bad-input-");
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  await serveTabularEndpoint(runtime, models.directory, "open");
  await serveTabularEndpoint(runtime, models.directory, "keyed", {
    predictKeySha256: createHash("sha256").update(KEY).digest("hex"),
  });
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await models?.remove();
});

type Case = {
  name: string;
  method?: string;
  path?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
  status: number;
};

const PREDICT = "/v1/endpoints/open/predict";
const row = { amount: 12.5, hour: 3 };
const json = (value: unknown) => JSON.stringify(value);
const control = (extra: Record<string, string> = {}) => ({ authorization: "", ...extra });
const variant = { variantName: "v1", modelPath: "/nonexistent.onnx", sha256: "a".repeat(64), weight: 100 };
const signature = { inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }], outputs: [] };

const BODY_CASES: Case[] = [
  { name: "empty body", body: "", status: 400 },
  { name: "not JSON", body: "rows please", status: 400 },
  { name: "truncated JSON", body: '{"rows": [', status: 400 },
  { name: "JSON null", body: "null", status: 400 },
  { name: "JSON array", body: "[]", status: 400 },
  { name: "JSON number", body: "123", status: 400 },
  { name: "JSON string", body: '"rows"', status: 400 },
  { name: "empty object", body: "{}", status: 400 },
  { name: "empty rows", body: json({ rows: [] }), status: 400 },
  { name: "rows not an array", body: json({ rows: "x" }), status: 400 },
  { name: "row is a number", body: json({ rows: [1] }), status: 400 },
  { name: "row is null", body: json({ rows: [null] }), status: 400 },
  { name: "row is an array", body: json({ rows: [[12.5, 3]] }), status: 400 },
  { name: "feature as a string", body: json({ row: { amount: "12.5", hour: 3 } }), status: 400 },
  { name: "missing feature", body: json({ row: { amount: 12.5 } }), status: 400 },
  { name: "feature is true", body: json({ row: { amount: true, hour: 3 } }), status: 400 },
  { name: "feature is an array", body: json({ row: { amount: [1, 2], hour: 3 } }), status: 400 },
  { name: "feature is an object", body: json({ row: { amount: {}, hour: 3 } }), status: 400 },
  { name: "feature is null", body: json({ row: { amount: null, hour: 3 } }), status: 400 },
  { name: "feature overflows to Infinity", body: '{"row": {"amount": 1e999, "hour": 3}}', status: 400 },
  { name: "both row and rows", body: json({ row, rows: [row] }), status: 400 },
  { name: "routingKey a number", body: json({ rows: [row], routingKey: 5 }), status: 400 },
  { name: "too many rows", body: json({ rows: Array.from({ length: 10_001 }, () => row) }), status: 400 },
  { name: "NUL in a feature name", body: '{"row": {"amo\\u0000unt": 1, "hour": 3}}', status: 400 },
  { name: "NUL byte in a string value", body: '{"row": {"amount": "\\u0000", "hour": 3}}', status: 400 },
  { name: "lone surrogate value", body: '{"row": {"amount": "\\ud800", "hour": 3}}', status: 400 },
  { name: "invalid UTF-8 bytes", body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), status: 400 },
  { name: "byte-order mark before JSON", body: `\uFEFF${json({ row })}`, status: 400 },
  { name: "deeply nested arrays", body: `{"rows": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`, status: 400 },
  { name: "__proto__ row", body: '{"row": {"__proto__": {"amount": 1, "hour": 2}}}', status: 400 },
  { name: "body over the limit", body: new Uint8Array(MAX_BODY_BYTES + 1024).fill(0x20), status: 413 },
  {
    name: "wrong predict key",
    path: "/v1/endpoints/keyed/predict",
    body: json({ row }),
    headers: { "x-api-key": "no" },
    status: 401,
  },
  { name: "no predict key", path: "/v1/endpoints/keyed/predict", body: json({ row }), status: 401 },
  ...invocationCases(),
];

/** The CSV route (contracts/runtime-invocations.ts): the same guards, its own body checks. */
function invocationCases(): Case[] {
  const csv = { "content-type": "text/csv" };
  const path = "/v1/endpoints/open/invocations";
  return [
    { name: "CSV: no predict key", path: "/v1/endpoints/keyed/invocations", headers: csv, body: "1,2\n", status: 401 },
    { name: "CSV: JSON sent", path, body: json({ row }), status: 415 },
    { name: "CSV: a cell not a number", path, headers: csv, body: "1,x\n", status: 400 },
    { name: "CSV: an open quote", path, headers: csv, body: '1,"2\n', status: 400 },
    {
      name: "CSV: a bad first-row header",
      path,
      headers: { ...csv, "x-modelport-first-row": "-1" },
      body: "1,2\n",
      status: 400,
    },
    {
      name: "CSV: row errors neither column nor absent",
      path,
      headers: { ...csv, "x-modelport-row-errors": "inline" },
      body: "1,2\n",
      status: 400,
    },
    {
      name: "CSV: body over the limit",
      path,
      headers: csv,
      body: new Uint8Array(MAX_BODY_BYTES + 1024).fill(0x31),
      status: 413,
    },
    { name: "CSV: unknown endpoint", path: "/v1/endpoints/nope/invocations", headers: csv, body: "1,2\n", status: 404 },
  ];
}

const ROUTE_CASES: Case[] = [
  { name: "GET predict", method: "GET", status: 405 },
  { name: "PUT predict", method: "PUT", body: json({ row }), status: 405 },
  { name: "DELETE predict", method: "DELETE", status: 405 },
  { name: "unknown endpoint", path: "/v1/endpoints/nope/predict", body: json({ row }), status: 404 },
  { name: "endpoint name too long", path: `/v1/endpoints/${"a".repeat(64)}/predict`, body: json({ row }), status: 404 },
  { name: "upper-case endpoint", path: "/v1/endpoints/OPEN/predict", body: json({ row }), status: 404 },
  {
    name: "trailing slash (no such route: only GET routes remain)",
    path: `${PREDICT}/`,
    body: json({ row }),
    status: 405,
  },
  { name: "empty endpoint segment", path: "/v1/endpoints//predict", body: json({ row }), status: 405 },
  {
    name: "encoded slash traversal",
    path: "/v1/endpoints/..%2F..%2Fcontrol/predict",
    body: json({ row }),
    status: 404,
  },
  { name: "encoded NUL in the name", path: "/v1/endpoints/open%00/predict", body: json({ row }), status: 404 },
  { name: "malformed %-escape", path: "/v1/endpoints/%E0%A4%A/predict", body: json({ row }), status: 400 },
  { name: "bare %", path: "/v1/endpoints/%ZZ/predict", body: json({ row }), status: 400 },
  { name: "unknown route", method: "GET", path: "/nope", status: 404 },
  { name: "POST to health", method: "POST", path: "/healthz", body: "{}", status: 405 },
  { name: "control without a token", method: "GET", path: "/v1/control/endpoints", status: 401 },
  {
    name: "control with Basic auth",
    method: "GET",
    path: "/v1/control/endpoints",
    headers: { authorization: "Basic eDp5" },
    status: 401,
  },
];

/** Control calls with the right token: bad names, bodies and escapes. */
const CONTROL_CASES: Case[] = [
  {
    name: "PUT a malformed %-escaped name",
    method: "PUT",
    path: "/v1/control/endpoints/%E0%A4%A",
    body: json({ variants: [] }),
    status: 400,
  },
  { name: "PUT an invalid name", method: "PUT", path: "/v1/control/endpoints/Bad_Name", body: "{}", status: 400 },
  { name: "PUT without variants", method: "PUT", path: "/v1/control/endpoints/x", body: "{}", status: 400 },
  { name: "PUT not JSON", method: "PUT", path: "/v1/control/endpoints/x", body: "{", status: 400 },
  {
    name: "PUT weights not summing to 100",
    method: "PUT",
    path: "/v1/control/endpoints/x",
    body: json({ variants: [{ ...variant, weight: 50, signature }] }),
    status: 400,
  },
  {
    name: "PUT a bad predictKeySha256",
    method: "PUT",
    path: "/v1/control/endpoints/x",
    body: json({ variants: [{ ...variant, signature }], predictKeySha256: "xyz" }),
    status: 400,
  },
  {
    name: "PATCH weights of an unknown endpoint",
    method: "PATCH",
    path: "/v1/control/endpoints/nope/weights",
    body: json({ weights: {} }),
    status: 404,
  },
  {
    name: "PATCH weights with unknown variant",
    method: "PATCH",
    path: "/v1/control/endpoints/open/weights",
    body: json({ weights: { zz: 100 } }),
    status: 400,
  },
  {
    name: "fault injection with a malformed variant escape",
    method: "PUT",
    path: "/v1/control/endpoints/open/variants/%E0%A4%A/fault-injection",
    body: json({ errorRate: 0 }),
    status: 400,
  },
  {
    name: "fault injection out of range",
    method: "PUT",
    path: "/v1/control/endpoints/open/variants/v1/fault-injection",
    body: json({ errorRate: 2 }),
    status: 400,
  },
  { name: "DELETE an unknown endpoint", method: "DELETE", path: "/v1/control/endpoints/nope", status: 404 },
  { name: "POST to the control list", method: "POST", path: "/v1/control/endpoints", body: "{}", status: 405 },
];

const CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

async function send(testCase: Case, headers: Record<string, string>) {
  const response = await fetch(`${runtime.baseUrl}${testCase.path ?? PREDICT}`, {
    method: testCase.method ?? "POST",
    headers: { "content-type": "application/json", ...headers, ...testCase.headers },
    body: testCase.body,
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as { code?: string; error?: string } };
}

describe("the runtime refuses bad input with a 4xx and a stable code", () => {
  it.each(BODY_CASES.concat(ROUTE_CASES))("$name → $status", async (testCase) => {
    const { status, body } = await send(testCase, {});
    expect(status).toBe(testCase.status);
    expect(body.code).toBe(CODES[testCase.status]);
    expect(body.error).toEqual(expect.any(String));
  });

  it.each(CONTROL_CASES)("control: $name → $status", async (testCase) => {
    const { status, body } = await send(testCase, control({ authorization: `Bearer ${runtime.controlToken}` }));
    expect(status).toBe(testCase.status);
    expect(body.code).toBe(CODES[testCase.status]);
  });
});

/** Sends raw bytes (what fetch would normalise or refuse) and reads the status line. */
function rawRequest(head: string): Promise<number> {
  const url = new URL(runtime.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.end(Buffer.from(head, "latin1")));
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
    socket.on("end", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0)));
    socket.on("error", reject);
  });
}

describe("raw request targets", () => {
  it.each([
    ["dot-dot segments into the control API", "GET /v1/endpoints/../control/endpoints HTTP/1.1"],
    ["a NUL byte in the target", "GET /v1/endpoints/op\0en/predict HTTP/1.1"],
    ["a space in the target", "POST /v1/endpoints/o pen/predict HTTP/1.1"],
    ["an absolute-form target", "POST http://elsewhere/v1/endpoints/nope/predict HTTP/1.1"],
    ["an asterisk target", "OPTIONS * HTTP/1.1"],
    ["a raw non-ASCII byte", "GET /v1/endpoints/\xe9/predict HTTP/1.1"],
  ])("%s → 4xx", async (_name, line) => {
    const status = await rawRequest(`${line}\r\nHost: runtime\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });
});

it("never answered a 5xx to any of it", async () => {
  const metrics = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
  expect(metrics).not.toMatch(/modelport_runtime_requests_total\{[^}]*status="5\d\d"[^}]*\} [1-9]/);
  expect((await fetch(`${runtime.baseUrl}/healthz`)).status).toBe(200);
});
