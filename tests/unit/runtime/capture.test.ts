import { describe, expect, it } from "vitest";
import { captureRecordSchema, expandCaptureBatch, type CaptureRecord } from "@/contracts/prediction-capture";
import { CaptureBuffer, MAX_ENTRY_BYTES, type CapturedRequest } from "@/runtime/capture/capture-buffer";
import { answerJson, capturableWhole, capturedTexts, MAX_WHOLE_CAPTURE_BYTES } from "@/runtime/serving/predict";
import { CaptureCounts, type CaptureOutcome } from "@/runtime/capture/capture-counts";
import { CaptureFlusher } from "@/runtime/capture/capture-flusher";
import { CaptureGroups, captureRowJson, PendingBatch } from "@/runtime/capture/capture-batch";
import { ArenaPool } from "@/runtime/capture/byte-arena";
import type { CaptureSink } from "@/runtime/capture/capture-sink";
import { Capturer } from "@/runtime/capture/capturer";

const ID = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

function request(rows: number, rate = 1, endpoint = "fraud"): CapturedRequest {
  return {
    endpoint,
    variant: "v1",
    modelName: "fraud-gbt",
    modelVersion: 3,
    inputs: [{ name: "amount" }, { name: "postcode" }],
    rows: Array.from({ length: rows }, (_, i) => ({ amount: i, postcode: "01001", extra: "ignored" })),
    predictions: Array.from({ length: rows }, (_, i) => ({ probability: i / rows })),
    predictionIds: Array.from({ length: rows }, (_, i) => ID(i)),
    latencyMs: 1.5,
    captureProbability: rate,
    predictedAtMs: Date.parse("2026-12-02T10:00:00Z"),
  };
}

const groups = new CaptureGroups();
/** A batch of the given rows, each offered one by one, as the stream entry's text. */
function rowsBatch(rows: ReadonlyArray<readonly [CapturedRequest, number]>): string {
  const batch = new PendingBatch(MAX_ENTRY_BYTES, new ArenaPool());
  for (const [req, rowIndex] of rows) batch.addRow(groups.of(req), captureRowJson(req, rowIndex));
  return batch.toBytes().toString("utf8");
}

/** The buffer's oldest batch as the stream entry's text. */
const taken = (buffer: CaptureBuffer) => buffer.take()!.toBytes().toString("utf8");

function totals(counts: CaptureCounts): Partial<Record<CaptureOutcome, number>> {
  const out: Partial<Record<CaptureOutcome, number>> = {};
  counts.drain((_, outcome, n) => (out[outcome] = (out[outcome] ?? 0) + n));
  return out;
}

/** What the loader makes of a batch: its records, each checked against the stream contract. */
function recordsOf(batch: string) {
  return expandCaptureBatch(JSON.parse(batch)).map((item) => {
    if (!("record" in item)) throw new Error(item.reason);
    return captureRecordSchema.parse(item.record);
  });
}

class MemorySink implements CaptureSink {
  ready = true;
  written: CaptureRecord[] = [];
  /** Refuses every n-th batch (1 = the first, n+1-th, …). */
  failEvery = 0;
  private batches = 0;
  /** Rows per successful append, in order. */
  appended: number[] = [];
  /** Each appended batch's rows, as the loader reads them back. */
  async append(batch: Buffer) {
    const ok = this.failEvery === 0 || this.batches++ % this.failEvery !== 0;
    const records = recordsOf(batch.toString("utf8"));
    if (ok) this.written.push(...records);
    if (ok) this.appended.push(records.length);
    return ok;
  }
  async close() {}
}

describe("capture buffer", () => {
  it("holds at most its capacity and counts every row it refuses", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(10, counts);
    const capturer = new Capturer(buffer, counts);
    capturer.capture(request(7));
    capturer.capture(request(7));
    expect(buffer.size).toBe(10);
    expect(totals(counts)).toEqual({ dropped_buffer_full: 4 });
    capturer.capture(request(3));
    expect(buffer.size).toBe(10);
    expect(totals(counts)).toEqual({ dropped_buffer_full: 3 });
  });

  it("counts rows as capture_off when there is nowhere to capture to", () => {
    const counts = new CaptureCounts();
    new Capturer(undefined, counts).capture(request(5));
    expect(totals(counts)).toEqual({ capture_off: 5 });
  });
});

describe("sampling", () => {
  it("captures each row with the endpoint's rate", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(1_000_000, counts);
    const capturer = new Capturer(buffer, counts);
    for (let i = 0; i < 100; i++) capturer.capture(request(1000, 0.2));
    const captured = buffer.size;
    // Binomial(100000, 0.2): sd ≈ 126; 6 sd either side.
    expect(Math.abs(captured - 20_000)).toBeLessThan(760);
    expect(totals(counts)).toEqual({ not_sampled: 100_000 - captured });
  });

  it("uses the draw: rows whose draw is below the rate are captured", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    const draws = [0.1, 0.9, 0.49, 0.5];
    new Capturer(buffer, counts, () => draws.shift()!).capture(request(4, 0.5));
    expect(recordsOf(taken(buffer)).map((record) => record.rowIndex)).toEqual([0, 2]);
  });

  it("captures nothing at rate 0 and everything at rate 1", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    const capturer = new Capturer(buffer, counts, () => 0);
    capturer.capture(request(5, 0));
    expect(buffer.size).toBe(0);
    capturer.capture(request(5, 1));
    expect(buffer.size).toBe(5);
    expect(totals(counts)).toEqual({ not_sampled: 5 });
  });
});

describe("capture batches", () => {
  it("keep the declared inputs as sent (a string feature stays a string) and match the stream contract", () => {
    const req = { ...request(2), correlationIds: ["tx-1", "tx-2"] };
    const [first, second] = recordsOf(rowsBatch([0, 1].map((rowIndex) => [req, rowIndex] as const)));
    expect(second).toEqual({
      id: ID(1),
      requestId: ID(0),
      rowIndex: 1,
      endpoint: "fraud",
      variant: "v1",
      modelName: "fraud-gbt",
      modelVersion: 3,
      correlationId: "tx-2",
      inputs: { amount: 1, postcode: "01001" },
      outputs: { probability: 0.5 },
      latencyMs: 1.5,
      captureProbability: 1,
      source: "RUNTIME",
      predictedAt: "2026-12-02T10:00:00.000Z",
    });
    expect(first).toMatchObject({ id: ID(0), requestId: ID(0), correlationId: "tx-1" });
  });

  it("group rows by endpoint, variant, model version and capture rate, in the order they came", () => {
    const a = request(2, 1, "fraud");
    const b = { ...request(1, 0.5, "fraud"), predictionIds: [ID(7)] };
    const c = { ...request(1, 1, "delivery"), modelName: undefined, modelVersion: undefined, predictionIds: [ID(9)] };
    const json = rowsBatch([
      [a, 0],
      [b, 0],
      [a, 1],
      [c, 0],
    ]);
    expect(JSON.parse(json).groups).toHaveLength(3);
    expect(recordsOf(json).map((r) => [r.endpoint, r.id, r.captureProbability, r.modelVersion])).toEqual([
      ["fraud", ID(0), 1, 3],
      ["fraud", ID(1), 1, 3],
      ["fraud", ID(7), 0.5, 3],
      ["delivery", ID(9), 1, undefined],
    ]);
  });
});

describe("captured rows, serialised when offered", () => {
  /** The generic form the hand-written serialiser must match: JSON.stringify of the CaptureBatchRow array. */
  function genericRowJson(req: CapturedRequest, rowIndex: number) {
    const row = req.rows[rowIndex] as Record<string, unknown>;
    const id = req.predictionIds[rowIndex]!;
    return JSON.stringify([
      id,
      req.predictionIds[0] === id ? null : req.predictionIds[0],
      rowIndex,
      req.correlationIds?.[rowIndex] ?? null,
      req.latencyMs,
      req.predictedAtMs,
      req.inputs.map((input) => row[input.name]),
      req.predictions[rowIndex],
    ]);
  }

  const awkward: CapturedRequest = {
    ...request(3),
    inputs: ["amount", "postcode", "note", "flag", "missing", "list", "nan", "zero", "big"].map((name) => ({ name })),
    rows: [
      {
        amount: 12.5,
        postcode: "01001",
        note: 'a "quoted"\nline \\ ünïcödé \u2028 😀',
        flag: true,
        list: [1, "two", null, false],
        nan: Number.NaN,
        zero: -0,
        big: 1e21,
      },
      {
        amount: null,
        postcode: "",
        note: "x",
        flag: false,
        missing: null,
        list: [],
        nan: Infinity,
        zero: 0,
        big: 2 ** 53,
      },
      { amount: -3e-7, postcode: "9", note: "", flag: null, list: ["\u0000"], nan: -Infinity, zero: 0.1, big: -1 },
    ],
    predictions: [{ probability: 0.25, label: "fraud" }, { value: [1, 2.5] }, { ok: true, label: 'say "hi"' }],
    correlationIds: ['tx "1"', "tx-2\t", "tx-3"],
    latencyMs: 1.25,
  };

  it("writes exactly what JSON.stringify of the row array writes (nulls, string features, escapes, non-finite numbers)", () => {
    for (const rowIndex of [0, 1, 2]) expect(captureRowJson(awkward, rowIndex)).toBe(genericRowJson(awkward, rowIndex));
  });

  it("round-trips through expandCaptureBatch: string features stay strings, missing and null values are null", () => {
    const records = expandCaptureBatch(JSON.parse(rowsBatch([0, 1, 2].map((i) => [awkward, i] as const))));
    const [first, second, third] = records.map((item) => ("record" in item ? item.record : item)) as CaptureRecord[];
    expect(first!.inputs).toEqual({
      amount: 12.5,
      postcode: "01001",
      note: 'a "quoted"\nline \\ ünïcödé \u2028 😀',
      flag: true,
      missing: null,
      list: [1, "two", null, false],
      nan: null,
      zero: 0,
      big: 1e21,
    });
    expect(first!.correlationId).toBe('tx "1"');
    expect(first!.outputs).toEqual({ probability: 0.25, label: "fraud" });
    expect(second!.inputs).toMatchObject({ amount: null, postcode: "", missing: null, nan: null, big: 2 ** 53 });
    expect(second!.requestId).toBe(ID(0));
    expect(third!.inputs).toMatchObject({ amount: -3e-7, postcode: "9", flag: null, list: ["\u0000"] });
    expect(third!.outputs).toEqual({ ok: true, label: 'say "hi"' });
    for (const record of [first, second, third]) expect(captureRecordSchema.safeParse(record).success).toBe(true);
  });

  it("keeps the latency to the microsecond", () => {
    const req = { ...request(1), latencyMs: 1.23456789 };
    expect(JSON.parse(captureRowJson(req, 0))[4]).toBe(1.235);
  });

  it("holds no reference to the request: changing it after the offer changes nothing captured", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(10, counts);
    const req = request(1);
    new Capturer(buffer, counts).capture(req);
    (req.rows[0] as Record<string, unknown>).postcode = "changed";
    (req.predictions as Array<Record<string, unknown>>)[0]!.probability = 0.9;
    const [record] = recordsOf(taken(buffer));
    expect(record!.inputs.postcode).toBe("01001");
    expect(record!.outputs.probability).toBe(0);
  });

  it("shares one group per endpoint, variant, model version, rate and inputs, whatever the inputs array's identity", () => {
    const cache = new CaptureGroups();
    const a = request(1);
    expect(cache.of({ ...a, inputs: a.inputs.map((input) => ({ ...input })) })).toBe(cache.of(a));
    expect(cache.of({ ...a, captureProbability: 0.5 })).not.toBe(cache.of(a));
    expect(cache.of({ ...a, inputs: [{ name: "amount" }] })).not.toBe(cache.of(a));
    expect(cache.of({ ...a, modelVersion: 4 })).not.toBe(cache.of(a));
  });
});

describe("flusher", () => {
  it("lets a partial batch fill for the linger time, then appends it as one entry; a full batch goes at once", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(1000, counts, { batchRows: 50 });
    const sink = new MemorySink();
    const flusher = new CaptureFlusher(buffer, sink, counts, 200);
    const capturer = new Capturer(buffer, counts);
    flusher.start();
    capturer.capture(request(10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    capturer.capture(request(15));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(sink.appended).toEqual([]);
    capturer.capture(request(40));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.appended).toEqual([50]);
    await flusher.stop();
    expect(sink.appended).toEqual([50, 15]);
    expect(totals(counts)).toEqual({ captured: 65 });
  });

  it("writes every row once and counts what the sink refused", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(1000, counts, { batchRows: 16 });
    const sink = new MemorySink();
    sink.failEvery = 4;
    const flusher = new CaptureFlusher(buffer, sink, counts);
    new Capturer(buffer, counts).capture(request(100));
    await flusher.stop();
    const outcome = totals(counts);
    expect(outcome.captured).toBe(sink.written.length);
    expect((outcome.captured ?? 0) + (outcome.dropped_redis_down ?? 0)).toBe(100);
    expect(outcome.dropped_redis_down).toBeGreaterThan(0);
  });

  it("counts the rows of each endpoint in a mixed batch", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(1000, counts);
    const sink = new MemorySink();
    const capturer = new Capturer(buffer, counts);
    capturer.capture(request(3, 1, "fraud"));
    capturer.capture(request(2, 1, "delivery"));
    capturer.capture(request(4, 1, "fraud"));
    await new CaptureFlusher(buffer, sink, counts).stop();
    const byEndpoint: Record<string, number> = {};
    counts.drain((endpoint, outcome, n) => (byEndpoint[`${endpoint} ${outcome}`] = n));
    expect(byEndpoint).toEqual({ "fraud captured": 7, "delivery captured": 2 });
    expect(sink.written.map((r) => r.endpoint)).toEqual([...Array(7).fill("fraud"), "delivery", "delivery"]);
  });

  it("drops and counts waiting rows while the sink is down, without writing", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(1000, counts, { batchRows: 16 });
    const sink = new MemorySink();
    sink.ready = false;
    new Capturer(buffer, counts).capture(request(40));
    await new CaptureFlusher(buffer, sink, counts).stop();
    expect(sink.written).toHaveLength(0);
    expect(buffer.size).toBe(0);
    expect(totals(counts)).toEqual({ dropped_redis_down: 40 });
  });
});

/** The request with the texts the serving path had: the body as sent and the answer as the runtime writes it. */
function withTexts(req: CapturedRequest, body: Record<string, unknown> = { rows: req.rows }): CapturedRequest {
  const answer = answerJson({
    predictionId: req.predictionIds[0]!,
    predictionIds: [...req.predictionIds],
    endpoint: req.endpoint,
    variant: req.variant,
    modelName: req.modelName,
    modelVersion: req.modelVersion,
    predictions: [...req.predictions],
  });
  return { ...req, texts: capturedTexts(Buffer.from(JSON.stringify(body)), answer) };
}

describe("requests captured whole, as their texts", () => {
  it("give the loader the same records as rows captured one by one, extra fields left out", () => {
    const plain = { ...request(3), correlationIds: ["tx-1", "tx-2", "tx-3"] };
    const whole = withTexts(plain, { rows: plain.rows, correlationIds: plain.correlationIds, routingKey: "user-7" });
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    new Capturer(buffer, counts).capture(whole);
    const batch = buffer.take()!;
    expect(batch.rows).toBe(3);
    expect(buffer.take()).toBeUndefined();
    const [group] = JSON.parse(batch.toBytes().toString("utf8")).groups;
    expect([group.rows.length, group.requests.length]).toEqual([0, 1]);
    const byRow = recordsOf(rowsBatch([0, 1, 2].map((i) => [plain, i] as const)));
    expect(recordsOf(batch.toBytes().toString("utf8"))).toEqual(byRow);
    expect(byRow[1]!.inputs).toEqual({ amount: 1, postcode: "01001" });
  });

  it("read a one-row request's `row` and `correlationId`, and a missing input as null", () => {
    const one = request(1);
    const req = withTexts(one, { row: { amount: 9, extra: 1 }, correlationId: "tx-9" });
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(10, counts);
    new Capturer(buffer, counts).capture(req);
    const [record] = recordsOf(taken(buffer));
    expect(record).toMatchObject({ id: ID(0), requestId: ID(0), rowIndex: 0, correlationId: "tx-9" });
    expect(record!.inputs).toEqual({ amount: 9, postcode: null });
  });

  it("are captured row by row when only some rows are drawn, or when the serving path offers no texts", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    const draws = [0.1, 0.9];
    new Capturer(buffer, counts, () => draws.shift()!).capture(withTexts(request(2, 0.5)));
    new Capturer(buffer, counts).capture(request(1));
    const written = JSON.parse(taken(buffer)).groups.map((g: { rows: unknown[]; requests?: unknown[] }) => [
      g.rows.length,
      g.requests?.length ?? 0,
    ]);
    expect(written).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  it("are kept or dropped whole: a request that does not fit is counted, and batches hold whole requests", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(10, counts, { batchRows: 5 });
    const capturer = new Capturer(buffer, counts);
    capturer.capture(withTexts(request(6)));
    capturer.capture(withTexts(request(6)));
    expect(buffer.size).toBe(6);
    expect(totals(counts)).toEqual({ dropped_buffer_full: 6 });
    capturer.capture(withTexts(request(4)));
    expect(buffer.size).toBe(10);
    // A batch of at most 5 rows still holds the first request (6 rows): a request is never split.
    expect(buffer.take()?.rows).toBe(6);
    expect(buffer.take()?.rows).toBe(4);
    expect(buffer.size).toBe(0);
  });

  it("are counted row by row when flushed, captured or dropped", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    const capturer = new Capturer(buffer, counts);
    capturer.capture(withTexts(request(3)));
    capturer.capture(request(2));
    capturer.capture(withTexts(request(4, 1, "eta")));
    const sink = new MemorySink();
    const flusher = new CaptureFlusher(buffer, sink, counts);
    expect(await flusher.flushOnce()).toBe(9);
    expect(sink.written).toHaveLength(9);
    const byEndpoint = new Map<string, number>();
    counts.drain((endpoint, outcome, n) => byEndpoint.set(`${endpoint}:${outcome}`, n));
    expect(Object.fromEntries(byEndpoint)).toEqual({ "fraud:captured": 5, "eta:captured": 4 });
  });
});

describe("the loader's reading of whole requests", () => {
  const batch = (requests: unknown[]) => ({
    groups: [{ endpoint: "fraud", variant: "v1", captureProbability: 1, inputs: ["amount"], rows: [], requests }],
  });
  const reasons = (requests: unknown[]) =>
    expandCaptureBatch(batch(requests)).map((item) => ("reason" in item ? item.reason : "record"));

  it("answers why for bodies that are not shaped like a request and its answer, and records for good ones", () => {
    const good = [1, 0, { row: { amount: 1 } }, { predictionIds: [ID(1)], predictions: [{}] }];
    expect(reasons([good])).toEqual(["record"]);
    expect(reasons([[1, 0, "{", good[3]]])[0]).toMatch(/needs "row" or "rows"/);
    expect(reasons([[1, 0, good[2], { predictions: [{}] }]])[0]).toMatch(/needs "row" or "rows"/);
    const twoIds = { predictionIds: [ID(1), ID(2)], predictions: [{}, {}] };
    expect(reasons([[1, 0, good[2], twoIds]])[0]).toMatch(/answered with 2 ids/);
    expect(reasons([[1, 0, good[2]]])[0]).toMatch(/is \[latencyMs, predictedAtMs, request, response\]/);
    expect(reasons([[1, 0, { rows: [{}], correlationIds: "x" }, good[3]]])[0]).toMatch(/correlation/);
  });
});

describe("what may be captured whole, and how much", () => {
  const body = (fields: Record<string, unknown>) => ({
    rows: [{ amount: 1, postcode: "x" }],
    onlyRowsAndIds: true,
    ...fields,
  });

  it("only bodies of the signature's inputs and correlation ids, and not too large", () => {
    const small = Buffer.from("{}");
    expect(capturableWhole(body({}), small, 2)).toBe(true);
    expect(capturableWhole(body({ onlyRowsAndIds: false }), small, 2)).toBe(false);
    expect(capturableWhole(body({ rows: [{ amount: 1, postcode: "x", customerId: "c-1" }] }), small, 2)).toBe(false);
    expect(capturableWhole(body({}), Buffer.alloc(MAX_WHOLE_CAPTURE_BYTES + 1), 2)).toBe(false);
  });

  it("keeps a stream entry under MAX_ENTRY_BYTES and the buffer under its byte bound, dropping and counting", () => {
    const counts = new CaptureCounts();
    const big = (i: number) =>
      withTexts({ ...request(1), predictionIds: [ID(i)] }, { rows: [{ amount: i, postcode: "p".repeat(300_000) }] });
    const buffer = new CaptureBuffer(100, counts, { maxBytes: 1_000_000 });
    const capturer = new Capturer(buffer, counts);
    for (let i = 0; i < 5; i++) capturer.capture(big(i));
    expect(buffer.size).toBe(4);
    expect(totals(counts)).toEqual({ dropped_buffer_full: 1 });
    const first = buffer.take()!;
    expect(first.rows).toBe(3);
    expect(first.bytes).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(recordsOf(first.toBytes().toString("utf8")).map((r) => r.inputs.amount)).toEqual([0, 1, 2]);
    expect(buffer.take()?.rows).toBe(1);
    expect(buffer.take()).toBeUndefined();
  });

  it("reads hostile groups without throwing: non-string input names are refused, prototype names are not inherited", () => {
    const hostile = {
      groups: [{ endpoint: "e", variant: "v", captureProbability: 1, inputs: [{ toString: 1 }], rows: [] }],
    };
    expect(expandCaptureBatch(hostile)[0]).toMatchObject({ reason: expect.stringContaining('"inputs" (names)') });
    const proto = {
      groups: [
        {
          endpoint: "e",
          variant: "v",
          captureProbability: 1,
          inputs: ["constructor"],
          rows: [],
          requests: [[1, 0, { row: {} }, { predictionIds: [ID(1)], predictions: [{}] }]],
        },
      ],
    };
    const [item] = expandCaptureBatch(proto);
    expect(item).toMatchObject({ record: { inputs: { constructor: null } } });
  });
});

describe("shadow rows in the capture contract", () => {
  const mirrored = (rows: number): CapturedRequest => ({
    ...request(rows),
    variant: "shadow",
    predictionIds: Array.from({ length: rows }, (_, i) => ID(100 + i)),
    mirrorOf: Array.from({ length: rows }, (_, i) => ID(i)),
  });

  it("writes a shadow row with its mirrorOf as a ninth field and the loader reads it back", () => {
    const req = mirrored(2);
    expect(JSON.parse(captureRowJson(req, 1))).toHaveLength(9);
    expect(JSON.parse(captureRowJson(request(2), 1))).toHaveLength(8);
    const records = recordsOf(
      rowsBatch([
        [req, 0],
        [req, 1],
        [request(1), 0],
      ]),
    );
    expect(records.map((r) => [r.variant, r.id, r.requestId, r.mirrorOf])).toEqual([
      ["shadow", ID(100), ID(100), ID(0)],
      ["shadow", ID(101), ID(100), ID(1)],
      ["v1", ID(0), ID(0), undefined],
    ]);
  });

  it("captures a shadow request row by row even when it offers its texts", () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(100, counts);
    const texts = { request: Buffer.from("{}"), response: Buffer.from("{}"), capturedFrom: 1 };
    new Capturer(buffer, counts).capture({ ...mirrored(3), texts });
    expect(recordsOf(taken(buffer)).map((r) => r.mirrorOf)).toEqual([ID(0), ID(1), ID(2)]);
  });

  it("refuses a row of ten fields and a mirrorOf that is not a UUID", () => {
    const group = { endpoint: "fraud", variant: "shadow", captureProbability: 1, inputs: ["amount"] };
    const base = [ID(1), null, 0, null, 1, Date.parse("2026-12-02T10:00:00Z"), [1], { probability: 0.5 }];
    expect(expandCaptureBatch({ groups: [{ ...group, rows: [[...base, ID(2), "extra"]] }] })[0]).toMatchObject({
      reason: expect.stringContaining("mirrorOf"),
    });
    const [notUuid] = expandCaptureBatch({ groups: [{ ...group, rows: [[...base, "not-a-uuid"]] }] });
    expect(captureRecordSchema.safeParse((notUuid as { record: unknown }).record).success).toBe(false);
    const [nullMirror] = expandCaptureBatch({ groups: [{ ...group, rows: [[...base, null]] }] });
    expect(captureRecordSchema.parse((nullMirror as { record: unknown }).record).mirrorOf).toBeUndefined();
  });
  it("counts a shadow's capture outcomes apart from the endpoint's live ones, at every stage", async () => {
    const counts = new CaptureCounts();
    const buffer = new CaptureBuffer(10, counts);
    const sink = new MemorySink();
    const capturer = new Capturer(buffer, counts);
    capturer.capture(request(4));
    capturer.capture(mirrored(4));
    capturer.capture(mirrored(5)); // 2 of them fit
    capturer.capture({ ...mirrored(3), captureProbability: 0 });
    new Capturer(undefined, counts).capture(mirrored(2));
    await new CaptureFlusher(buffer, sink, counts).stop();
    expect(totals(counts)).toEqual({ captured: 4 });
    const shadow: Record<string, number> = {};
    counts.drainShadow((endpoint, variant, outcome, n) => (shadow[`${endpoint} ${variant} ${outcome}`] = n));
    expect(shadow).toEqual({
      "fraud shadow captured": 6,
      "fraud shadow dropped_buffer_full": 3,
      "fraud shadow not_sampled": 3,
      "fraud shadow capture_off": 2,
    });
    expect(sink.written.filter((r) => r.mirrorOf !== undefined)).toHaveLength(6);
  });

  it("never groups a shadow's rows with live rows of the same variant name", () => {
    const local = new CaptureGroups();
    const live = { ...request(1), variant: "shadow" };
    expect(local.of(live)).not.toBe(local.of(mirrored(1)));
    expect(local.of(mirrored(1)).shadow).toBe(true);
    expect(local.of(live).shadow).toBe(false);
  });
});
