import { AB_METRICS, type AbMetricKey } from "@/contracts/abtests";

export const metricLabel = (key: AbMetricKey) => AB_METRICS[key].label;

/** A metric's value in its unit: rates as percentages, errors and quantiles as numbers. */
export function formatMetricValue(key: AbMetricKey, value: number): string {
  const kind = AB_METRICS[key].kind;
  if (kind === "proportion" || kind === "rate") return `${(100 * value).toFixed(value < 0.01 ? 2 : 1)} %`;
  return value.toLocaleString("en", { maximumSignificantDigits: 4 });
}

export function formatDays(days: number | null): string {
  if (days === null) return "unknown (no traffic in the last 7 days)";
  if (days < 1) return `${Math.max(1, Math.round(days * 24))} h`;
  return `${days.toLocaleString("en", { maximumFractionDigits: 1 })} days`;
}

export const abTestHref = (id: string) => `/ab-tests/${encodeURIComponent(id)}`;
/** The set-up page with its endpoint picker narrowed to one model's endpoints. */
export const newAbTestForModelHref = (modelName: string) => `/ab-tests/new?model=${encodeURIComponent(modelName)}`;

export const newAbTestHref = (endpointId?: string) =>
  endpointId ? `/ab-tests/new?endpoint=${encodeURIComponent(endpointId)}` : "/ab-tests/new";
