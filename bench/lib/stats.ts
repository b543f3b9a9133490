import { performance } from "node:perf_hooks";

export type Timing = { name: string; samples: number; p50: number; p95: number; max: number };

function percentile(sorted: number[], p: number) {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? NaN;
}

/**
 * Runs `fn` `warmup` times unmeasured, then `samples` times, and returns latency percentiles in ms. `before` runs
 * (unmeasured) before each call.
 */
export async function measure(
  name: string,
  fn: () => Promise<unknown>,
  samples = 50,
  warmup = 5,
  { before }: { before?: () => Promise<unknown> } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    await before?.();
    await fn();
  }
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    await before?.();
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, samples, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] ?? NaN };
}

export function formatTable(rows: Timing[], targets: Record<string, string> = {}) {
  const header = "| query | samples | p50 ms | p95 ms | max ms | target |\n|---|---:|---:|---:|---:|---|";
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${r.samples} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.max.toFixed(1)} | ${targets[r.name] ?? ""} |`,
  );
  return [header, ...lines].join("\n");
}
