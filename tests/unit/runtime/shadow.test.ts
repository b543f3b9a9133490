import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { captureRecordSchema, expandCaptureBatch, type CaptureRecord } from "@/contracts/prediction-capture";
import type { VariantConfig } from "@/contracts/runtime-control";
import type { Prediction } from "@/contracts/runtime-predict";
import type { Signature } from "@/contracts/signature";
import { CaptureBuffer } from "@/runtime/capture/capture-buffer";
import { CaptureFlusher } from "@/runtime/capture/capture-flusher";
import type { CaptureSink } from "@/runtime/capture/capture-sink";
import { Capturer } from "@/runtime/capture/capturer";
import { createRuntimeMetrics, runtimeMetricsText, type RuntimeMetrics } from "@/runtime/metrics";
import { DynamicBatcher } from "@/runtime/serving/batcher";
import type { Endpoint } from "@/runtime/serving/endpoint-registry";
import { MAX_MIRRORS_IN_FLIGHT, MirrorSlots } from "@/runtime/serving/mirror-slots";
import { predict } from "@/runtime/serving/predict";
import type { Schedule } from "@/runtime/serving/shadow";
import type { ValidatedRow } from "@/runtime/serving/signature-validation";
import type { Variant } from "@/runtime/serving/variant";

const TWO_INPUTS: Signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "hour", type: "float32", shape: [-1, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

type Run = (rows: ValidatedRow[]) => Promise<Prediction[]>;
const scoring =
  (score: number): Run =>
  (rows) =>
    Promise.resolve(rows.map(() => ({ probability: score })));

function fakeVariant(
  variantName: string,
  options: { weight?: number; shadow?: boolean; signature?: Signature; run?: Run; featureBins?: boolean },
): Variant {
  const config: VariantConfig = {
    variantName,
    modelName: `${variantName}-model`,
    modelVersion: 3,
    modelPath: `/models/${variantName}.onnx`,
    sha256: "a".repeat(64),
    signature: options.signature ?? TWO_INPUTS,
    weight: options.weight ?? 0,
    ...(options.shadow && { shadow: true }),
    ...(options.featureBins && {
      featureBins: [{ name: "amount", kind: "NUMERIC" as const, edges: [20, 50], categories: [] }],
    }),
    instanceType: "local-cpu",
    instanceCount: 1,
  };
  return {
    config,
    modelKey: variantName,
    modelBytes: 0,
    fault: { errorRate: 0, extraLatencyMs: 0 },
    ready: true,
    mirrors: new MirrorSlots(),
    explainer: { ok: false, error: new Error("not explained in these tests") },
    batcher: new DynamicBatcher<ValidatedRow, Prediction>(
      { maxBatchSize: 32, maxQueueDelayMs: 0 },
      options.run ?? scoring(0.25),
    ),
    runPacked: () => Promise.reject(new Error("shadows never serve CSV invocations")),
    packedInFlight: new Set(),
  };
}

function fakeEndpoint(live: Variant[], shadows: Variant[]): Endpoint {
  return {
    name: "fraud",
    variants: [...live, ...shadows],
    live,
    shadows,
    batching: { maxBatchSize: 32, maxQueueDelayMs: 0 },
    capture: { rate: 1 },
    updating: false,
    sleep: { state: "awake", lastRequestAt: 0 },
  };
}

/** A served endpoint with its metrics and capture buffer (its capture outcomes counted in the metrics). */
function harness(live: Variant[], shadows: Variant[], schedule?: Schedule) {
  const endpoint = fakeEndpoint(live, shadows);
  const metrics = createRuntimeMetrics();
  const counts = metrics.captureCounts;
  const buffer = new CaptureBuffer(100_000, counts);
  const capturer = new Capturer(buffer, counts);
  const registry = {
    get: (name: string) => (name === endpoint.name ? endpoint : undefined),
    serving: (name: string) => (name === endpoint.name ? endpoint : undefined),
  };
  const call = async (body: Record<string, unknown>) => {
    const bytes = Buffer.from(JSON.stringify(body));
    const answer = await predict(
      { registry, metrics, capturer, scheduleMirror: schedule },
      { endpointName: "fraud", body, bytes },
    );
    return JSON.parse(answer.toString()) as { variant: string; predictionIds: string[]; predictions: Prediction[] };
  };
  const captured = (): CaptureRecord[] => {
    const records: CaptureRecord[] = [];
    for (let batch = buffer.take(); batch; batch = buffer.take()) {
      for (const item of expandCaptureBatch(JSON.parse(batch.toBytes().toString("utf8")))) {
        if (!("record" in item)) throw new Error(item.reason);
        records.push(captureRecordSchema.parse(item.record));
      }
      batch.release();
    }
    return records;
  };
  return { endpoint, metrics, call, captured, buffer };
}

/** Waits until no shadow has a mirrored request in flight. */
async function settled(shadows: readonly Variant[]) {
  for (let i = 0; i < 400 && shadows.some((s) => s.mirrors.inFlight > 0); i++) await sleep(5);
  expect(shadows.map((s) => s.mirrors.inFlight)).toEqual(shadows.map(() => 0));
}

/** A counter's value from the metrics text, for a series with exactly these labels (in this order). */
async function sample(metrics: RuntimeMetrics, name: string, labels: Record<string, string>): Promise<number> {
  const text = await metrics.registry.metrics();
  const series = `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Live requests (modelport_runtime_requests_total): what callers were answered. */
const requests = (metrics: RuntimeMetrics, variant: string, status: string) =>
  sample(metrics, "modelport_runtime_requests_total", { endpoint: "fraud", variant, status });

/** A shadow's mirrored requests (modelport_runtime_shadow_requests_total). */
const shadowRequests = (metrics: RuntimeMetrics, variant: string, status: string) =>
  sample(metrics, "modelport_runtime_shadow_requests_total", { endpoint: "fraud", variant, status });

const LIVE_FAMILIES = [
  "modelport_runtime_requests_total",
  "modelport_runtime_request_duration_seconds",
  "modelport_runtime_predicted_rows_total",
  "modelport_runtime_prediction_score",
  "modelport_runtime_capture_total",
  "modelport_runtime_feature_value",
];

/** The live families' sample lines (drift histograms included) that name one of these variants. */
async function liveLinesOf(metrics: RuntimeMetrics, variants: string[]): Promise<string[]> {
  const text = await runtimeMetricsText(metrics);
  return text
    .split("\n")
    .filter((l) => LIVE_FAMILIES.some((family) => l.startsWith(`${family}{`) || l.startsWith(`${family}_`)))
    .filter((l) => variants.some((variant) => l.includes(`variant="${variant}"`)));
}

/** Sums every sample of a family for the endpoint (what an endpoint-level query does over its variants). */
async function endpointSum(metrics: RuntimeMetrics, name: string, extra = ""): Promise<number> {
  const text = await metrics.registry.metrics();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`) && l.includes('endpoint="fraud"') && l.includes(extra))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

const row = (i: number) => ({ amount: 10 + i, hour: i % 24 });

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("MirrorSlots", () => {
  it("admits up to its limit, refuses beyond it, and admits again once a slot is left", () => {
    const slots = new MirrorSlots(3);
    expect([1, 2, 3, 4].map(() => slots.tryEnter())).toEqual([true, true, true, false]);
    expect(slots.inFlight).toBe(3);
    slots.leave();
    expect(slots.tryEnter()).toBe(true);
    expect(slots.tryEnter()).toBe(false);
    for (let i = 0; i < 10; i++) slots.leave();
    expect(slots.inFlight).toBe(0);
    expect(new MirrorSlots().limit).toBe(MAX_MIRRORS_IN_FLIGHT);
  });

  it("bounds the rows in flight too: a few large requests cannot hold unbounded memory", () => {
    const slots = new MirrorSlots(100, 10_000);
    expect(slots.tryEnter(6_000)).toBe(true);
    expect(slots.tryEnter(5_000)).toBe(false);
    expect(slots.tryEnter(4_000)).toBe(true);
    slots.leave(6_000);
    expect(slots.tryEnter(5_000)).toBe(true);
  });
});

describe("shadow variants", () => {
  it("answers from the live variant only and mirrors the rows to the shadow, measured and captured as its own", async () => {
    const primary = fakeVariant("primary", { weight: 100, run: scoring(0.25) });
    const shadow = fakeVariant("shadow", { shadow: true, run: scoring(0.75) });
    const { metrics, call, captured } = harness([primary], [shadow]);

    const answer = await call({ rows: [row(0), row(1), row(2)], correlationIds: ["order-0", "order-1", "order-2"] });
    expect(answer.variant).toBe("primary");
    expect(answer.predictions).toEqual([{ probability: 0.25 }, { probability: 0.25 }, { probability: 0.25 }]);
    await settled([shadow]);

    const labels = (variant: string) => ({ endpoint: "fraud", variant });
    expect(await requests(metrics, "primary", "200")).toBe(1);
    expect(await sample(metrics, "modelport_runtime_predicted_rows_total", labels("primary"))).toBe(3);
    expect(await shadowRequests(metrics, "shadow", "200")).toBe(1);
    expect(await sample(metrics, "modelport_runtime_shadow_rows_total", labels("shadow"))).toBe(3);
    expect(await sample(metrics, "modelport_runtime_shadow_request_duration_seconds_count", labels("shadow"))).toBe(1);
    expect(await sample(metrics, "modelport_runtime_shadow_prediction_score_count", labels("shadow"))).toBe(3);
    expect(await sample(metrics, "modelport_runtime_shadow_prediction_score_sum", labels("shadow"))).toBe(2.25);
    // The shadow is nowhere in the live families, and nothing of the primary is in the shadow ones.
    expect(await liveLinesOf(metrics, ["shadow"])).toEqual([]);
    expect(
      await sample(metrics, "modelport_runtime_shadow_requests_total", { ...labels("primary"), status: "200" }),
    ).toBe(0);

    const records = captured();
    const live = records.filter((r) => r.variant === "primary");
    const mirrored = records.filter((r) => r.variant === "shadow");
    expect(live.map((r) => r.id)).toEqual(answer.predictionIds);
    expect(live.every((r) => r.mirrorOf === undefined)).toBe(true);
    expect(mirrored).toHaveLength(3);
    mirrored.forEach((r, i) => {
      expect(r).toMatchObject({
        rowIndex: i,
        modelName: "shadow-model",
        modelVersion: 3,
        outputs: { probability: 0.75 },
      });
      expect(r.mirrorOf).toBe(answer.predictionIds[i]);
      expect(answer.predictionIds).not.toContain(r.id);
      expect(r.requestId).toBe(mirrored[0]!.id);
      expect(r.correlationId).toBeUndefined();
      expect(r.inputs).toEqual(row(i));
    });
  });

  it("mirrors only after the answer is ready, and a shadow that never answers does not delay it", async () => {
    const order: string[] = [];
    const stuck = deferred();
    const shadow = fakeVariant("shadow", {
      shadow: true,
      run: async (rows) => {
        order.push("shadow ran");
        await stuck.promise;
        return rows.map(() => ({ probability: 0.5 }));
      },
    });
    const { call } = harness([fakeVariant("primary", { weight: 100 })], [shadow]);
    const answered = call({ row: row(0) }).then((answer) => order.push(`answered by ${answer.variant}`));
    await answered;
    expect(order).toEqual(["answered by primary"]);
    await sleep(20);
    expect(order).toEqual(["answered by primary", "shadow ran"]);
    expect(shadow.mirrors.inFlight).toBe(1);
    stuck.release();
    await settled([shadow]);
  });

  it("leaves the answer unchanged when a shadow throws or has fault injection on, counting the errors to the shadow", async () => {
    const primary = fakeVariant("primary", { weight: 100, run: scoring(0.25) });
    const throwing = fakeVariant("throwing", {
      shadow: true,
      run: () => Promise.reject(new Error("the shadow's model crashed")),
    });
    const faulty = fakeVariant("faulty", { shadow: true });
    faulty.fault = { errorRate: 1, extraLatencyMs: 0 };
    const { metrics, call } = harness([primary], [throwing, faulty]);
    for (let i = 0; i < 20; i++) {
      const answer = await call({ row: row(i) });
      expect(answer.variant).toBe("primary");
      expect(answer.predictions).toEqual([{ probability: 0.25 }]);
    }
    await settled([throwing, faulty]);
    expect(await requests(metrics, "primary", "200")).toBe(20);
    expect(await shadowRequests(metrics, "throwing", "500")).toBe(20);
    expect(await shadowRequests(metrics, "faulty", "500")).toBe(20);
    expect(await shadowRequests(metrics, "throwing", "200")).toBe(0);
    expect(
      await sample(metrics, "modelport_runtime_shadow_request_duration_seconds_count", {
        endpoint: "fraud",
        variant: "faulty",
      }),
    ).toBe(20);
    // The endpoint's error rate and latency, summed over its variants, see the 20 answers and none of the 40 failures.
    expect(await endpointSum(metrics, "modelport_runtime_requests_total")).toBe(20);
    expect(await endpointSum(metrics, "modelport_runtime_requests_total", 'status="500"')).toBe(0);
    expect(await endpointSum(metrics, "modelport_runtime_request_duration_seconds_count")).toBe(20);
    expect(await liveLinesOf(metrics, ["throwing", "faulty"])).toEqual([]);
  });

  it("counts a 400 for a shadow whose signature the rows do not satisfy, and only for it", async () => {
    const needsCountry: Signature = {
      ...TWO_INPUTS,
      inputs: [...TWO_INPUTS.inputs, { name: "country", type: "string", shape: [-1, 1] }],
    };
    const primary = fakeVariant("primary", { weight: 100 });
    const strict = fakeVariant("strict", { shadow: true, signature: needsCountry });
    const lenient = fakeVariant("lenient", { shadow: true });
    const { metrics, call, captured } = harness([primary], [strict, lenient]);
    for (let i = 0; i < 5; i++) expect((await call({ row: row(i) })).variant).toBe("primary");
    await settled([strict, lenient]);
    expect(await requests(metrics, "primary", "200")).toBe(5);
    expect(await shadowRequests(metrics, "strict", "400")).toBe(5);
    expect(await shadowRequests(metrics, "lenient", "200")).toBe(5);
    expect(await endpointSum(metrics, "modelport_runtime_requests_total", 'status="400"')).toBe(0);
    expect(captured().filter((r) => r.variant === "strict")).toEqual([]);
  });

  it("does not mirror a request the live variant refused", async () => {
    const shadow = fakeVariant("shadow", { shadow: true });
    const { metrics, call } = harness([fakeVariant("primary", { weight: 100 })], [shadow]);
    await expect(call({ row: { amount: "not a number", hour: 1 } })).rejects.toMatchObject({ status: 400 });
    await sleep(10);
    expect(await requests(metrics, "primary", "400")).toBe(1);
    expect(await shadowRequests(metrics, "shadow", "200")).toBe(0);
    expect(await shadowRequests(metrics, "shadow", "400")).toBe(0);
  });

  it(`keeps at most ${MAX_MIRRORS_IN_FLIGHT} mirrored requests in flight per shadow, dropping and counting the rest`, async () => {
    const stuck = deferred();
    const slow = fakeVariant("slow", {
      shadow: true,
      run: async (rows) => {
        await stuck.promise;
        return rows.map(() => ({ probability: 0.5 }));
      },
    });
    const quick = fakeVariant("quick", { shadow: true });
    const { metrics, call } = harness([fakeVariant("primary", { weight: 100 })], [slow, quick]);
    const total = MAX_MIRRORS_IN_FLIGHT + 44;
    // In waves of 20 concurrent requests: the quick shadow finishes each wave, the stuck one keeps every mirror.
    for (let wave = 0; wave < total / 20; wave++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => call({ row: row(wave * 20 + i) })));
      expect(answers.every((a) => a.variant === "primary")).toBe(true);
      await settled([quick]);
    }
    expect(slow.mirrors.inFlight).toBe(MAX_MIRRORS_IN_FLIGHT);
    const dropped = (variant: string) =>
      sample(metrics, "modelport_runtime_shadow_dropped_total", { endpoint: "fraud", variant });
    expect(await dropped("slow")).toBe(44);
    expect(await dropped("quick")).toBe(0);

    stuck.release();
    await settled([slow, quick]);
    expect(await shadowRequests(metrics, "slow", "200")).toBe(MAX_MIRRORS_IN_FLIGHT);
    expect(await shadowRequests(metrics, "quick", "200")).toBe(total);
    await call({ row: row(0) });
    await settled([slow]);
    expect(await shadowRequests(metrics, "slow", "200")).toBe(MAX_MIRRORS_IN_FLIGHT + 1);
    expect(await requests(metrics, "primary", "200")).toBe(total + 1);
  });

  it("runs the mirror through the schedule it is given, never inside the request", async () => {
    const scheduled: Array<() => void> = [];
    const shadow = fakeVariant("shadow", { shadow: true });
    const { metrics, call } = harness([fakeVariant("primary", { weight: 100 })], [shadow], (run) =>
      scheduled.push(run),
    );
    await call({ row: row(0) });
    await sleep(10);
    expect(scheduled).toHaveLength(1);
    expect(await shadowRequests(metrics, "shadow", "200")).toBe(0);
    scheduled[0]!();
    await settled([shadow]);
    expect(await shadowRequests(metrics, "shadow", "200")).toBe(1);
  });
  it("moves the live families by the live traffic only: N answered requests with a shadow attached", async () => {
    const primary = fakeVariant("primary", { weight: 100, run: scoring(0.25), featureBins: true });
    const shadow = fakeVariant("shadow", { shadow: true, run: scoring(0.75), featureBins: true });
    const { metrics, call } = harness([primary], [shadow]);
    const n = 12;
    for (let i = 0; i < n; i++) await call({ rows: [row(i), row(i + 1)] });
    await settled([shadow]);

    expect(await endpointSum(metrics, "modelport_runtime_requests_total")).toBe(n);
    expect(await endpointSum(metrics, "modelport_runtime_request_duration_seconds_count")).toBe(n);
    expect(await endpointSum(metrics, "modelport_runtime_predicted_rows_total")).toBe(2 * n);
    expect(await endpointSum(metrics, "modelport_runtime_prediction_score_count")).toBe(2 * n);
    expect(await endpointSum(metrics, "modelport_runtime_prediction_score_sum")).toBe(0.25 * 2 * n);
    expect(await endpointSum(metrics, "modelport_runtime_shadow_requests_total")).toBe(n);
    expect(await endpointSum(metrics, "modelport_runtime_shadow_request_duration_seconds_count")).toBe(n);
    expect(await endpointSum(metrics, "modelport_runtime_shadow_rows_total")).toBe(2 * n);
    // Drift histograms count the primary's rows; the shadow (the same rows again) has none, even with bins.
    const features = metrics.features.exposition();
    expect(features).toContain('variant="primary"');
    expect(features).toContain(
      `modelport_runtime_feature_value_count{endpoint="fraud",variant="primary",feature="amount"} ${2 * n}`,
    );
    expect(await liveLinesOf(metrics, ["shadow"])).toEqual([]);
  });

  it("keeps live capture outcomes = live predicted rows, and counts the shadow's rows in its own capture family", async () => {
    const primary = fakeVariant("primary", { weight: 100 });
    const shadow = fakeVariant("shadow", { shadow: true });
    const { endpoint, metrics, call, buffer } = harness([primary], [shadow]);
    endpoint.capture = { rate: 0.5 };
    let appended = 0;
    const sink: CaptureSink = {
      get ready() {
        return true;
      },
      // Every other batch is lost, so `captured` and `dropped_redis_down` both happen.
      append: () => Promise.resolve(appended++ % 2 === 0),
      close: () => Promise.resolve(),
    };
    const flusher = new CaptureFlusher(buffer, sink, metrics.captureCounts);
    for (let i = 0; i < 30; i++) {
      await call({ rows: [row(i), row(i + 1), row(i + 2)] });
      if (i % 3 === 0) {
        await settled([shadow]);
        await flusher.flushOnce();
      }
    }
    await settled([shadow]);
    while ((await flusher.flushOnce()) > 0);

    const liveOutcomes = await endpointSum(metrics, "modelport_runtime_capture_total");
    expect(liveOutcomes).toBe(await endpointSum(metrics, "modelport_runtime_predicted_rows_total"));
    expect(liveOutcomes).toBe(90);
    expect(await endpointSum(metrics, "modelport_runtime_capture_total", 'outcome="not_sampled"')).toBeGreaterThan(0);
    const shadowOutcomes = await endpointSum(metrics, "modelport_runtime_shadow_capture_total", 'variant="shadow"');
    expect(shadowOutcomes).toBe(await endpointSum(metrics, "modelport_runtime_shadow_rows_total"));
    expect(shadowOutcomes).toBe(90);
    expect(await endpointSum(metrics, "modelport_runtime_shadow_capture_total", 'outcome="captured"')).toBeGreaterThan(
      0,
    );
    expect(await liveLinesOf(metrics, ["shadow"])).toEqual([]);
  });
});
