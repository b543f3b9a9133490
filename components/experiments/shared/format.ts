/** Display formatting for runs: metric values and hashes. Dates, durations and sizes are in lib/format. */

/** Metric values with up to 4 significant digits; very large or small values in exponent form. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3);
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return Number(value.toPrecision(4)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

export function shortHash(hash: string, length = 12): string {
  return hash.slice(0, length);
}
