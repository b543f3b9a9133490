import { parseSampleValue } from "@/server/integrations/prometheus/promql";

export type Sample = { name: string; labels: Record<string, string>; value: number };

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string) {
  return value.replace(/\\(["\\n])/g, (_m, ch: string) => (ch === "n" ? "\n" : ch));
}

/** Parses the Prometheus text exposition format into samples (comments and blank lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = unescapeLabel(value!);
    samples.push({ name: match[1]!, labels, value: parseSampleValue(match[3]!) });
  }
  return samples;
}

/**
 * The q-quantile of a cumulative histogram, as PromQL's histogram_quantile computes it: find the bucket the rank
 * falls in and interpolate linearly inside it. Null without observations.
 */
export function histogramQuantile(q: number, buckets: { le: number; count: number }[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted[sorted.length - 1]?.count ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket <= 0 ? bucket.le : lowerBound + (bucket.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

/**
 * The number an `le` label stands for. Prometheus spells the last bucket "+Inf" (which Number.parseFloat reads as
 * NaN) and, from 3.0, writes bounds as floats ("1" is stored as "1.0").
 */
export function parseBucketBound(le: string): number {
  const bound = /^\+?inf$/i.test(le) ? Infinity : Number(le);
  if (Number.isNaN(bound) || le.trim() === "") throw new RangeError(`Not a histogram bucket bound: le="${le}"`);
  return bound;
}
