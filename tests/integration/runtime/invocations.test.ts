import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointConfigInput } from "@/contracts/runtime-control";
import {
  decodeFailedSamples,
  INVOCATION_ANSWER_HEADERS,
  invocationHeaders,
  type InvocationOptions,
} from "@/contracts/runtime-invocations";
import type { Signature } from "@/contracts/signature";
import { CsvByteRecords } from "@/lib/csv/csv-byte-records";
import { rowObject, rowOf } from "@/training/dataset";
import type { BuiltModel } from "@/training/catalog";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";
import { putEndpoint as putRuntimeEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  counterValue,
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

/*
 * Invariants of the CSV protocol: an invocation answers exactly what /predict answers for the same rows, one line per
 * record in order; a record that cannot be scored never costs the others their answers when row errors go in a column,
 * and refuses the whole request (400 naming it) otherwise; every malformed request is a 4xx that scores nothing.
 */

let runtime: RunningRuntime;
let models: BuiltModel[];
let manifest: ManifestEntry[];
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;

const MIXED: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "items", type: "int64", shape: [-1, 1] },
    { name: "channel", type: "string", shape: [-1, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

const putEndpoint = (name: string, config: EndpointConfigInput) => putRuntimeEndpoint(runtime, name, config);

async function invoke(endpoint: string, body: string | Uint8Array<ArrayBuffer>, options: InvocationOptions = {}) {
  const response = await fetch(`${runtime.baseUrl}/v1/endpoints/${endpoint}/invocations`, {
    method: "POST",
    headers: { "content-type": "text/csv", ...invocationHeaders(options) },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    failed: response.headers.get(INVOCATION_ANSWER_HEADERS.failedRows),
    samples: decodeFailedSamples(response.headers.get(INVOCATION_ANSWER_HEADERS.failedSamples)),
    json: () => JSON.parse(text) as { error: string; code: string; rowIndex?: number },
  };
}

const lines = (text: string) => text.split("\n").slice(0, -1);
function csvRecords(text: string): string[][] {
  const reader = new CsvByteRecords();
  return [...reader.push(new TextEncoder().encode(text)), ...reader.end()].map((record) => record.fields);
}
const metricsText = async () => (await fetch(`${runtime.baseUrl}/metrics`)).text();
const rowsCounted = async (endpoint: string) =>
  counterValue(await metricsText(), "modelport_runtime_predicted_rows_total", { endpoint });

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-invocations-");
  ({ models, manifest } = await writeModels(directory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  const entry = manifest.find((m) => m.name === "fraud-gbt")!;
  await putEndpoint("fraud", {
    variants: [
      {
        variantName: "gbt",
        modelPath: path.join(directory.directory, entry.file),
        sha256: entry.sha256,
        signature: entry.signature,
        weight: 100,
      },
    ],
  });
  const mixed = onnxModelFor(MIXED, 11);
  await writeFile(path.join(directory.directory, "mixed.onnx"), mixed);
  await putEndpoint("mixed", {
    variants: [
      {
        variantName: "v1",
        modelPath: path.join(directory.directory, "mixed.onnx"),
        sha256: createHash("sha256").update(mixed).digest("hex"),
        signature: MIXED,
        weight: 100,
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  await runtime?.stop();
  await directory?.remove();
});

describe("POST /v1/endpoints/:name/invocations (text/csv)", () => {
  it("answers, in SageMaker's convention, the probability /predict gives for every row, in order", async () => {
    const model = models.find((m) => m.name === "fraud-gbt")!;
    const count = 500;
    const csv = Array.from({ length: count }, (_, i) => `${rowOf(model.test, i).join(",")}\n`).join("");
    const before = await rowsCounted("fraud");
    const answer = await invoke("fraud", csv);
    expect(answer.status).toBe(200);
    expect(answer.failed).toBe("0");
    expect((await rowsCounted("fraud")) - before).toBe(count);
    const predicted = await postJson(`${runtime.baseUrl}/v1/endpoints/fraud/predict`, {
      rows: Array.from({ length: count }, (_, i) => rowObject(model.test, i)),
    });
    const probabilities = (predicted.body.predictions as Array<{ probability: number }>).map((p) => p.probability);
    expect(lines(answer.text)).toEqual(probabilities.map(String));
  });

  it("reads inputs from their columns, echoes keys (quoted as CSV needs), numbers rows and answers bad rows in a column", async () => {
    const csv = [
      'k1,"say ""hi"", then",12.5,3,web',
      "\r\n",
      'k2,"two\nlines",7,2,app\r\n',
      "k3,é,lots,1,web\n",
      "k4,x,1,2.5,web\n",
      "k5,short,1\n",
      'k6,ok, 8 ,4,"app"\n',
    ].join("\n");
    const options: InvocationOptions = {
      inputColumns: [2, 3, 4],
      echoColumns: [0, 1],
      firstRow: 41,
      rowErrors: "column",
    };
    const answer = await invoke("mixed", csv, options);
    expect(answer.status).toBe(200);
    const records = csvRecords(answer.text);
    expect(records.map((r) => r.slice(0, 3))).toEqual([
      ["k1", 'say "hi", then', "41"],
      ["k2", "two\nlines", "42"],
      ["k3", "é", "43"],
      ["k4", "x", "44"],
      ["k5", "short", "45"],
      ["k6", "ok", "46"],
    ]);
    expect(records.map((r) => r.length)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(records.map((r) => r[4])).toEqual([
      "",
      "",
      '"amount": expected a number (float32), got "lots"',
      '"items": expected an integer, got "2.5"',
      'the row has no "items" cell',
      "",
    ]);
    const scored = await postJson(`${runtime.baseUrl}/v1/endpoints/mixed/predict`, {
      rows: [
        { amount: 12.5, items: 3, channel: "web" },
        { amount: 7, items: 2, channel: "app" },
        { amount: 8, items: 4, channel: "app" },
      ],
    });
    const expected = (scored.body.predictions as Array<{ probability: number }>).map((p) => String(p.probability));
    expect([records[0]![3], records[1]![3], records[5]![3]]).toEqual(expected);
    expect([records[2]![3], records[3]![3], records[4]![3]]).toEqual(["", "", ""]);
    expect(answer.failed).toBe("3");
    expect(answer.samples).toEqual([
      { rowIndex: 2, message: '"amount": expected a number (float32), got "lots"' },
      { rowIndex: 3, message: '"items": expected an integer, got "2.5"' },
      { rowIndex: 4, message: 'the row has no "items" cell' },
    ]);
  });

  it("answers every row failed with empty outputs, and scores nothing", async () => {
    const before = await rowsCounted("mixed");
    const answer = await invoke("mixed", "a,1,web\nb,2,app\n", { rowErrors: "column" });
    expect(answer.status).toBe(200);
    expect(lines(answer.text)).toEqual([
      ',"""amount"": expected a number (float32), got ""a"""',
      ',"""amount"": expected a number (float32), got ""b"""',
    ]);
    expect(answer.failed).toBe("2");
    expect(await rowsCounted("mixed")).toBe(before);
  });

  it("scores more rows than one inference batch takes (SageMaker's mini-batches), in order", async () => {
    const count = 25_000;
    const csv = Array.from({ length: count }, (_, i) => `${i % 100},${i % 7},${i % 2 ? "web" : "app"}\n`).join("");
    const answer = await invoke("mixed", csv);
    expect(answer.status).toBe(200);
    const answered = lines(answer.text);
    expect(answered).toHaveLength(count);
    const sample = [0, 9_999, 10_000, 24_999];
    const predicted = await postJson(`${runtime.baseUrl}/v1/endpoints/mixed/predict`, {
      rows: sample.map((i) => ({ amount: i % 100, items: i % 7, channel: i % 2 ? "web" : "app" })),
    });
    const probabilities = (predicted.body.predictions as Array<{ probability: number }>).map((p) =>
      String(p.probability),
    );
    expect(sample.map((i) => answered[i])).toEqual(probabilities);
  });

  it("refuses a bad row with 400 naming it when row errors are not asked for in a column", async () => {
    const answer = await invoke("mixed", "1,2,web\n1,x,web\n");
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ rowIndex: 1, error: 'Row 1: "items": expected a number (int64), got "x"' });
  });

  it("refuses malformed requests with a 4xx and scores nothing", async () => {
    const before = await rowsCounted("mixed");
    const tooMany = "1,2,web\n".repeat(200_001);
    const cases: Array<
      [string, Promise<{ status: number; json: () => { code: string; error: string } }>, number, RegExp]
    > = [
      ["no records", invoke("mixed", "\n\r\n"), 400, /no records/],
      ["an open quote", invoke("mixed", '1,2,"web\n'), 400, /malformed.*not closed/],
      ["not UTF-8", invoke("mixed", new Uint8Array([0x31, 0x2c, 0x32, 0x2c, 0xff, 0x0a])), 400, /not UTF-8/],
      ["too many rows", invoke("mixed", tooMany), 400, /At most 200000 rows/],
      ["too few input columns", invoke("mixed", "1,2,web\n", { inputColumns: [0, 1] }), 400, /3 inputs/],
      ["an unknown endpoint", invoke("nowhere", "1,2,web\n"), 404, /No endpoint/],
    ];
    for (const [what, pending, status, message] of cases) {
      const answer = await pending;
      expect(answer.status, what).toBe(status);
      expect(answer.json().error, what).toMatch(message);
    }
    const badHeader = await fetch(`${runtime.baseUrl}/v1/endpoints/mixed/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv", "x-modelport-input-columns": "0,-1,2" },
      body: "1,2,web\n",
    });
    expect(badHeader.status).toBe(400);
    expect(await badHeader.text()).toMatch(/x-modelport-input-columns: a comma-separated list/);
    const json = await fetch(`${runtime.baseUrl}/v1/endpoints/mixed/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rows: [] }),
    });
    expect(json.status).toBe(415);
    expect((await fetch(`${runtime.baseUrl}/v1/endpoints/mixed/invocations`)).status).toBe(405);
    expect(await rowsCounted("mixed")).toBe(before);
  });
});
