import * as ort from "onnxruntime-node";
import type { LoadResult } from "@/bench/runtime/wrk";

/** The ceiling: the same ONNX model called in a loop in this process, one row per call, for `seconds`. */
export async function inProcessLoop(
  modelBytes: Uint8Array,
  rows: Record<string, number>[],
  seconds: number,
): Promise<LoadResult> {
  const session = await ort.InferenceSession.create(modelBytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
  });
  const feeds = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([name, value]) => [name, new ort.Tensor("float32", Float32Array.of(value), [1, 1])]),
    ),
  );
  for (let i = 0; i < 200; i++) await session.run(feeds[i % feeds.length]!);
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  for (let i = 0; performance.now() < deadline; i++) {
    const t0 = performance.now();
    await session.run(feeds[i % feeds.length]!);
    latencies.push(performance.now() - t0);
  }
  const elapsed = (performance.now() - started) / 1000;
  await session.release();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  return { requestsPerSecond: latencies.length / elapsed, p50Ms: at(50), p99Ms: at(99), errors: 0 };
}
