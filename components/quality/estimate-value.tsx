import { formatCount, formatInterval, formatValue, type QualityEstimate } from "@/components/quality/quality-format";

/**
 * One estimate as shown everywhere on the Quality view: the value with its interval and the labelled rows behind it,
 * or why there is none (`label` names it in the tooltip). The raw numbers are on data-* attributes so tests can compare them with the database.
 */
export function EstimateValue({
  estimate,
  label,
  minLabelled,
  testId,
}: {
  estimate: QualityEstimate;
  label: string;
  minLabelled: number;
  testId: string;
}) {
  const interval = formatInterval(estimate);
  const data = {
    "data-testid": testId,
    "data-status": estimate.status,
    "data-value": estimate.value === null ? "" : String(estimate.value),
    "data-lower": estimate.interval ? String(estimate.interval.lower) : "",
    "data-upper": estimate.interval ? String(estimate.interval.upper) : "",
    "data-n": String(estimate.n),
    "data-effective-n": estimate.effectiveN === null ? "" : String(estimate.effectiveN),
  };
  const effective =
    estimate.effectiveN !== null && Math.round(estimate.effectiveN) !== estimate.n
      ? ` (effective ${formatCount(Math.round(estimate.effectiveN))})`
      : "";
  if (estimate.status === "insufficient")
    return (
      <span {...data} title={`${label}: not enough labelled rows`} className="text-xs text-slate-500">
        not enough labelled rows (n = {formatCount(estimate.n)} &lt; {minLabelled})
      </span>
    );
  if (estimate.status === "undefined")
    return (
      <span {...data} title={`${label}: undefined`} className="text-xs text-slate-500">
        undefined (n = {formatCount(estimate.n)})
      </span>
    );
  return (
    <span
      {...data}
      title={`${label}: ${formatValue(estimate.value)}${interval ? `, interval ${interval}` : ""}, n = ${estimate.n}`}
      className="flex flex-col items-end"
    >
      <span className="font-medium text-slate-900">{formatValue(estimate.value)}</span>
      <span className="text-xs text-slate-500">
        {interval ?? "no interval"} · n = {formatCount(estimate.n)}
        {effective}
      </span>
    </span>
  );
}
