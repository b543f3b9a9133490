import { memo } from "react";
import { pixelX, pixelY, stepTicks, valueTicks, type CurveView } from "@/components/experiments/charts/curve-view";
import { formatMetric } from "@/components/experiments/shared/format";

/** The tick labels of a canvas curves chart, as text (readable, selectable, and found by tests). */
export const CurveAxes = memo(function CurveAxes({ view }: { view: CurveView }) {
  const { box } = view;
  return (
    <div className="pointer-events-none absolute inset-0 text-[11px] text-slate-500" aria-hidden>
      <div data-testid="curve-y-ticks">
        {valueTicks(view).map((tick) => (
          <span
            key={tick}
            className="absolute -translate-y-1/2 pr-1 text-right tabular-nums"
            style={{ left: 0, width: box.left, top: pixelY(view, tick) ?? box.top }}
          >
            {formatMetric(tick)}
          </span>
        ))}
      </div>
      <div data-testid="curve-x-ticks">
        {stepTicks(view.steps).map((tick) => (
          <span
            key={tick}
            className="absolute -translate-x-1/2 pt-1 tabular-nums"
            style={{ left: pixelX(view, tick), top: box.top + box.height }}
          >
            {tick.toLocaleString("en-US")}
          </span>
        ))}
      </div>
      <span className="absolute text-slate-400" style={{ right: 0, top: box.top + box.height + 14 }}>
        step
      </span>
    </div>
  );
});
