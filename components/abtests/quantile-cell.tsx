import type { AbQuantile } from "@/contracts/abtest-analysis";
import { bucketText, formatSeconds } from "@/components/abtests/ab-analysis-format";

type Quantile = Omit<AbQuantile, "metric">;

/** A latency quantile and the histogram bucket it lies in, or why there is none. */
export function QuantileCell({ quantile }: { quantile: Quantile | undefined }) {
  if (!quantile) return <span className="text-slate-400">—</span>;
  if (quantile.seconds === null) return <span className="text-slate-500">{quantile.note ?? "no requests"}</span>;
  const bucket = bucketText(quantile.bucketLower, quantile.bucketUpper);
  return (
    <span>
      {formatSeconds(quantile.seconds)}
      {bucket && <span className="block text-xs text-slate-500">{bucket}</span>}
    </span>
  );
}
