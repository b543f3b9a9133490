import { formatCount } from "@/components/cost/cost-format";

/**
 * A row's prediction count, or "not measured" when an endpoint's predictions could not be counted on its own target
 * (CloudWatch unreachable, Kubernetes pods not scraped): the endpoints are named in the tooltip.
 */
export function PredictionsCell({ predictions, notMeasured }: { predictions: number | null; notMeasured: string[] }) {
  if (predictions !== null) return <>{formatCount(predictions)}</>;
  return (
    <span
      className="text-amber-800"
      data-not-measured={notMeasured.join(",")}
      title={`Predictions not measured for ${notMeasured.join(", ")}`}
    >
      not measured
    </span>
  );
}
