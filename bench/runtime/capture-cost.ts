import { randomBytes } from "node:crypto";
import path from "node:path";
import { Redis } from "ioredis";
import type { ManifestEntry } from "@/training/write-models";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { startRuntime } from "@/bench/runtime/processes";
import { wrk, type LoadResult } from "@/bench/runtime/wrk";
import { mulberry32 } from "@/lib/mulberry32";
import { commandCpuSeconds, machineBusySeconds, processTreeCpuSeconds } from "@/bench/lib/process-cpu";

const cpuNow = (runtimePid: number): CpuPer1k => ({
  runtime: processTreeCpuSeconds(runtimePid),
  redis: commandCpuSeconds("redis-server"),
  machine: machineBusySeconds(),
});

/** CPU seconds per 1,000 requests during the measured run: the runtime's process tree, redis-server, the machine. */
export type CpuPer1k = { runtime: number; redis: number; machine: number };
export type CaptureRun = LoadResult & { cpuPer1k: CpuPer1k };
export type CaptureRound = { off: CaptureRun; full: CaptureRun; cost: number };
export type CaptureCost = {
  off: CaptureRun;
  full: CaptureRun;
  /** Throughput at 100 % over throughput off, of the two median runs. */
  ratio: number;
  rounds: CaptureRound[];
  /** The median of the per-round costs (1 − full/off of the round's two runs), with a bootstrap 95 % interval. */
  roundCost: { median: number; low: number; high: number };
};

/** The run with the median throughput (the lower middle one for an even count), whole, so its columns agree. */
function medianRun(runs: readonly CaptureRun[]): CaptureRun {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The median of `values` with a percentile bootstrap 95 % interval: the rounds resampled with replacement `resamples`
 * times (seeded, so a rerun over the same numbers prints the same interval). With few rounds the interval is wide:
 * it says how far the median could move, not more.
 */
export function bootstrapMedian(
  values: readonly number[],
  resamples = 10_000,
  random: () => number = mulberry32(20261203),
): { median: number; low: number; high: number } {
  const medians = new Array<number>(resamples);
  const sample = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) sample[i] = values[Math.floor(random() * values.length)]!;
    medians[r] = median(sample);
  }
  medians.sort((a, b) => a - b);
  const at = (q: number) => medians[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return { median: median(values), low: at(0.025), high: at(0.975) };
}

/**
 * The runtime's throughput with capture at 100 % (every row XADDed to a Redis Stream by the background flusher) and
 * with capture off (no capture Redis), same model and load. Both runtimes are started once and stay up, each warmed
 * up, and the load goes to one, then the other, `rounds` times (the order alternating), so each round compares two
 * runs seconds apart: this shared two-core machine's speed drifts by ±20 % over minutes, more than the difference
 * being measured, and a pair of neighbouring runs sees the same machine. The stream is trimmed to ~100 entries as it
 * is written (MAXLEN), as the loader's deletes keep it small in production, so Redis does not grow by gigabytes.
 */
export async function measureCaptureCost(options: {
  directory: string;
  entry: ManifestEntry;
  script: string;
  connections: number;
  seconds: number;
  rounds: number;
}): Promise<CaptureCost> {
  const streamKey = `bench:runtime-capture:${randomBytes(4).toString("hex")}`;
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const start = async (env: Record<string, string>) => {
    const runtime = await startRuntime(env);
    const target = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
    await target.client.putEndpoint("bench-fraud", {
      variants: [
        {
          variantName: "fraud-gbt-v1",
          modelName: "fraud-gbt",
          modelVersion: 1,
          modelPath: path.join(options.directory, options.entry.file),
          sha256: options.entry.sha256,
          signature: options.entry.signature,
          weight: 100,
        },
      ],
      capture: { rate: 1 },
    });
    const url = `${runtime.baseUrl}/v1/endpoints/bench-fraud/predict`;
    await wrk(url, options.script, options.connections, 3);
    const measure = async (): Promise<CaptureRun> => {
      const before = cpuNow(runtime.pid);
      const load = await wrk(url, options.script, options.connections, options.seconds);
      const after = cpuNow(runtime.pid);
      const per1k = (key: keyof CpuPer1k) =>
        ((after[key] - before[key]) / (load.requestsPerSecond * options.seconds)) * 1000;
      return { ...load, cpuPer1k: { runtime: per1k("runtime"), redis: per1k("redis"), machine: per1k("machine") } };
    };
    return { measure, stop: runtime.stop };
  };
  const off = await start({ RUNTIME_CAPTURE_REDIS_URL: "" });
  const full = await start({
    RUNTIME_CAPTURE_REDIS_URL: redisUrl,
    CAPTURE_STREAM_KEY: streamKey,
    RUNTIME_CAPTURE_MAX_STREAM_LENGTH: "100",
  });
  const rounds: CaptureRound[] = [];
  try {
    for (let round = 0; round < options.rounds; round++) {
      const offFirst = round % 2 === 0;
      const first = await (offFirst ? off : full).measure();
      const second = await (offFirst ? full : off).measure();
      const [offRun, fullRun] = offFirst ? [first, second] : [second, first];
      rounds.push({ off: offRun, full: fullRun, cost: 1 - fullRun.requestsPerSecond / offRun.requestsPerSecond });
      console.log(describeRound(round, rounds.at(-1)!));
    }
  } finally {
    await Promise.all([off.stop(), full.stop()]);
    const redis = new Redis(redisUrl);
    await redis.del(streamKey);
    redis.disconnect();
  }
  const offMedian = medianRun(rounds.map((r) => r.off));
  const fullMedian = medianRun(rounds.map((r) => r.full));
  return {
    off: offMedian,
    full: fullMedian,
    ratio: fullMedian.requestsPerSecond / offMedian.requestsPerSecond,
    rounds,
    roundCost: bootstrapMedian(rounds.map((r) => r.cost)),
  };
}

/** One round on one line: each setup's throughput and runtime CPU per 1k requests, and the round's cost. */
export function describeRound(index: number, round: CaptureRound): string {
  const show = (r: CaptureRun) =>
    `${r.requestsPerSecond.toFixed(0)}/s, runtime ${(r.cpuPer1k.runtime * 1000).toFixed(1)} ms/1k`;
  return `round ${index + 1}: capture off ${show(round.off)}; capture 100 % ${show(round.full)}; cost ${(100 * round.cost).toFixed(1)}%`;
}
