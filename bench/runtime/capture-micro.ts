import { randomUUID } from "node:crypto";
import { PerformanceObserver } from "node:perf_hooks";
import { CaptureBuffer } from "@/runtime/capture/capture-buffer";
import { CaptureCounts } from "@/runtime/capture/capture-counts";
import { CaptureFlusher } from "@/runtime/capture/capture-flusher";
import type { CaptureSink } from "@/runtime/capture/capture-sink";
import { Capturer } from "@/runtime/capture/capturer";
import { FRAUD_FEATURES } from "@/training/fraud-data";
import { answerJson, capturedTexts } from "@/runtime/serving/predict";

// A micro-benchmark of what capture adds to one served one-row request, in one process, without HTTP, the model or
// Redis (`npx tsx bench/runtime/capture-micro.ts`): each simulated request parses a fraud row's JSON body, allocates
// what serving allocates besides (GARBAGE_BYTES of short-lived objects, so young-generation collections run as often
// as under load), makes a prediction object, an id and the response text, and, with capture on, calls the capturer as predict.ts does;
// every LINGER_REQUESTS requests (50 ms at 20,000 requests/s) the flusher sends the waiting batch to a sink that
// discards it. Reported: µs per request with capture off and on (alternating, median of ROUNDS), and GC time.
const REQUESTS = Number(process.env.MICRO_REQUESTS ?? 200_000);
const ROUNDS = Number(process.env.MICRO_ROUNDS ?? 7);
const LINGER_REQUESTS = Number(process.env.MICRO_LINGER_REQUESTS ?? 1_000);
const GARBAGE_BYTES = Number(process.env.MICRO_GARBAGE_BYTES ?? 8_000);
const FEATURES = FRAUD_FEATURES;
const INPUTS = FEATURES.map((name) => ({ name }));
const BODIES = Array.from({ length: 64 }, (_, i) =>
  Buffer.from(
    JSON.stringify({
      row: Object.fromEntries(FEATURES.map((f, k) => [f, Math.round(((i + 1) * (k + 7) * 37.77) % 977) / 7])),
    }),
  ),
);

const sink: CaptureSink = { ready: true, append: () => Promise.resolve(true), close: async () => {} };

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ["gc"] });

let sinkBytes = 0;
async function run(capture: boolean): Promise<{ usPerRequest: number; gcUsPerRequest: number }> {
  const counts = new CaptureCounts();
  const buffer = new CaptureBuffer(100_000, counts, { batchRows: 1_000 });
  const flusher = new CaptureFlusher(
    buffer,
    { ...sink, append: (b) => ((sinkBytes += b.length), Promise.resolve(true)) },
    counts,
  );
  const capturer = capture ? new Capturer(buffer, counts) : undefined;
  let keep = 0;
  const gcBefore = gcMs;
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const bytes = BODIES[i % BODIES.length]!;
    const body = JSON.parse(bytes.toString("utf8")) as { row: Record<string, number> };
    const garbage: unknown[] = [];
    for (let b = 0; b < GARBAGE_BYTES; b += 80) garbage.push({ a: i, b: "x", c: [b, b + 1] });
    keep += garbage.length;
    const rows = [body.row];
    const predictions = [{ probability: (body.row.amount! % 100) / 100 }];
    const predictionIds = [randomUUID()];
    const answer = answerJson({
      predictionId: predictionIds[0]!,
      predictionIds,
      endpoint: "bench-fraud",
      variant: "fraud-gbt-v1",
      predictions,
    });
    capturer?.capture({
      endpoint: "bench-fraud",
      variant: "fraud-gbt-v1",
      modelName: "fraud-gbt",
      modelVersion: 1,
      inputs: INPUTS,
      rows,
      predictions,
      predictionIds,
      correlationIds: undefined,
      latencyMs: performance.now() - started,
      captureProbability: 1,
      predictedAtMs: Date.now(),
      texts: capture ? capturedTexts(bytes, answer) : undefined,
    });
    if (i % LINGER_REQUESTS === LINGER_REQUESTS - 1) await flusher.flushOnce();
  }
  await flusher.stop();
  await new Promise((resolve) => setTimeout(resolve, 10)); // GC entries arrive on a later turn of the event loop
  const elapsedMs = performance.now() - started - 10;
  if (keep === 0) console.log("unreachable");
  return { usPerRequest: (elapsedMs * 1000) / REQUESTS, gcUsPerRequest: ((gcMs - gcBefore) * 1000) / REQUESTS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await run(false);
await run(true);
const off: number[] = [];
const on: number[] = [];
const offGc: number[] = [];
const onGc: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const a = await run(false);
  const b = await run(true);
  off.push(a.usPerRequest);
  on.push(b.usPerRequest);
  offGc.push(a.gcUsPerRequest);
  onGc.push(b.gcUsPerRequest);
  console.log(
    `round ${round + 1}: off ${a.usPerRequest.toFixed(2)} µs/req (gc ${a.gcUsPerRequest.toFixed(2)}), on ${b.usPerRequest.toFixed(2)} µs/req (gc ${b.gcUsPerRequest.toFixed(2)})`,
  );
}
console.log(
  `median: off ${median(off).toFixed(2)} µs/req (gc ${median(offGc).toFixed(2)}), on ${median(on).toFixed(2)} µs/req (gc ${median(onGc).toFixed(2)}); capture adds ${(median(on) - median(off)).toFixed(2)} µs/req; ${(sinkBytes / (REQUESTS * (ROUNDS + 1))).toFixed(0)} bytes/row`,
);
