import { formatMetric } from "@/components/experiments/shared/format";
import { ChartTooltipFrame } from "@/components/experiments/charts/chart-tooltip-frame";
import type { ScatterDatum } from "@/components/experiments/compare/compare";

type Props = { xLabel: string; yLabel: string; active?: boolean; payload?: readonly { payload?: ScatterDatum }[] };

/** Names the run under the pointer; recharts passes `active` and `payload`. */
export function ScatterTooltip({ xLabel, yLabel, active, payload }: Props) {
  const point = active ? payload?.[0]?.payload : undefined;
  if (!point) return null;
  return (
    <ChartTooltipFrame
      title={
        <span className="flex items-center gap-2">
          <span className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: point.color }} aria-hidden />
          {point.runName}
        </span>
      }
    >
      <p className="text-slate-600">
        {xLabel}:{" "}
        <span className="font-medium text-slate-900">
          {typeof point.x === "number" ? formatMetric(point.x) : point.x}
        </span>
      </p>
      <p className="text-slate-600">
        {yLabel}: <span className="font-medium text-slate-900">{formatMetric(point.y)}</span>
      </p>
    </ChartTooltipFrame>
  );
}
