import { hoverRows, type RunCurve } from "@/components/experiments/charts/curves";
import type { CurveHit } from "@/components/experiments/charts/curve-view";
import { formatMetric } from "@/components/experiments/shared/format";
import { ChartTooltipFrame } from "@/components/experiments/charts/chart-tooltip-frame";

type Props = { metricKey: string; curves: readonly RunCurve[]; step: number; hit: CurveHit | null };

const TOOLTIP_ROWS = 8;

/** Names the run whose line is under the pointer, then lists the runs with the highest value near the step. */
export function CurvesTooltip({ metricKey, curves, step, hit }: Props) {
  const { rows, hiddenCount } = hoverRows(curves, step, TOOLTIP_ROWS);
  if (rows.length === 0 && !hit) return null;
  const byId = new Map(curves.map((c) => [c.runId, c]));
  const hitCurve = hit ? byId.get(hit.runId) : undefined;
  return (
    <ChartTooltipFrame title={`${metricKey} · step ${step.toLocaleString("en-US")}`}>
      {hit && hitCurve && (
        <p className="mb-1 flex items-center gap-2 border-b border-slate-100 pb-1" data-testid="curve-hover-run">
          <span className="h-2.5 w-2.5 shrink-0 rounded-full" style={{ backgroundColor: hitCurve.color }} aria-hidden />
          <span className="truncate font-semibold text-slate-900">{hitCurve.runName}</span>
          <span className="ml-auto pl-2 font-semibold tabular-nums text-slate-900">
            {formatMetric(hit.value)}
            {hit.step !== step && (
              <span className="font-normal text-slate-500"> at step {hit.step.toLocaleString("en-US")}</span>
            )}
          </span>
        </p>
      )}
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
