import { hoverRows, type RunCurve } from "@/components/experiments/charts/curves";
import { formatMetric } from "@/components/experiments/shared/format";
import { ChartTooltipFrame } from "@/components/experiments/charts/chart-tooltip-frame";

type Props = { metricKey: string; curves: RunCurve[]; step: number };

const TOOLTIP_ROWS = 8;

/** Lists the runs with the highest value near the hovered step. */
export function CurvesTooltip({ metricKey, curves, step }: Props) {
  const { rows, hiddenCount } = hoverRows(curves, step, TOOLTIP_ROWS);
  if (rows.length === 0) return null;
  const byId = new Map(curves.map((c) => [c.runId, c]));
  return (
    <ChartTooltipFrame title={`${metricKey} · step ${step}`}>
      <ul className="space-y-0.5">
        {rows.map((row) => {
          const curve = byId.get(row.runId);
          return (
            <li key={row.runId} className="flex items-center gap-2">
              <span className="h-2 w-2 shrink-0 rounded-full" style={{ backgroundColor: curve?.color }} aria-hidden />
              <span className="truncate text-slate-600">{curve?.runName}</span>
              <span className="ml-auto pl-2 font-medium tabular-nums text-slate-900">{formatMetric(row.value)}</span>
            </li>
          );
        })}
      </ul>
      {hiddenCount > 0 && <p className="mt-1 text-slate-500">and {hiddenCount} more runs</p>}
    </ChartTooltipFrame>
  );
}
