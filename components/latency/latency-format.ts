/** Display helpers for the latency dashboard; null means Prometheus measured nothing. */
export const NO_DATA = "—";

export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return NO_DATA;
  if (!Number.isFinite(seconds)) return "> 2.5 s";
  return seconds < 1 ? `${(seconds * 1000).toFixed(seconds < 0.01 ? 2 : 1)} ms` : `${seconds.toFixed(2)} s`;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? NO_DATA : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 2)} %`;
}

export function formatRate(perSecond: number | null): string {
  return perSecond === null ? NO_DATA : `${perSecond.toFixed(perSecond < 10 ? 3 : 1)}/s`;
}

export function formatCount(count: number): string {
  return Math.round(count).toLocaleString("en");
}

/** "fraud / fraud-gbt-v3"; requests rejected before a variant was chosen have an empty variant. */
export function lineLabel(endpoint: string, variant: string): string {
  return `${endpoint} / ${variant || "(before routing)"}`;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** Axis ticks: the time of day for ranges within a day, the date too beyond. */
export function tickFormatter(rangeSeconds: number) {
  const format = rangeSeconds > 86_400 ? dayAndTime : timeOnly;
  return (seconds: number) => format.format(new Date(seconds * 1000));
}
