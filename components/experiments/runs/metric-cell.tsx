import { formatMetric } from "@/components/experiments/shared/format";

export function MetricCell({ value }: { value: number | undefined }) {
  if (value === undefined) return <span className="text-slate-300">—</span>;
  return <span title={String(value)}>{formatMetric(value)}</span>;
}
