"use client";

import { memo, useCallback, useEffect, useRef, useState, type PointerEvent } from "react";
import type { RunCurve } from "@/components/experiments/charts/curves";
import type { ChartGeometry } from "@/components/experiments/charts/chart-geometry-reporter";
import { CurvesTooltip } from "@/components/experiments/charts/curves-tooltip";

type Props = { geometry: ChartGeometry | null; curves: RunCurve[]; metricKey: string };

type Hover = { px: number; py: number; step: number };

const TOOLTIP_WIDTH = 240;

const MemoTooltip = memo(CurvesTooltip);

/**
 * A transparent layer over a curves chart that draws the cursor line and the tooltip. Only this
 * layer re-renders while the pointer moves, and it moves its parts with compositor-only transforms,
 * so the browser never repaints the 200 lines underneath.
 */
export function CurvesHoverLayer({ geometry, curves, metricKey }: Props) {
  const [hover, setHover] = useState<Hover | null>(null);
  const frame = useRef<number>(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      if (!geometry) return;
      const rect = event.currentTarget.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => {
        const { plot } = geometry;
        const inside = px >= plot.x && px <= plot.x + plot.width && py >= plot.y && py <= plot.y + plot.height;
        const step = inside ? Math.round(Number(geometry.invertX(px))) : Number.NaN;
        setHover(Number.isFinite(step) ? { px, py, step } : null);
      });
    },
    [geometry],
  );
  const onPointerLeave = useCallback(() => {
    cancelAnimationFrame(frame.current);
    setHover(null);
  }, []);

  const plot = geometry?.plot;
  const flip = hover && plot ? hover.px + TOOLTIP_WIDTH + 16 > plot.x + plot.width : false;
  const tooltipX = hover ? (flip ? hover.px - TOOLTIP_WIDTH - 12 : hover.px + 12) : 0;
  const tooltipY = hover && plot ? Math.max(plot.y, hover.py - 40) : 0;
  return (
    <div className="absolute inset-0" onPointerMove={onPointerMove} onPointerLeave={onPointerLeave} aria-hidden>
      {plot && (
        <>
          <div
            className="pointer-events-none absolute left-0 w-px bg-slate-400/70"
            style={{
              top: plot.y,
              height: plot.height,
              transform: `translateX(${hover?.px ?? 0}px)`,
              opacity: hover ? 1 : 0,
            }}
          />
          <div
            className="pointer-events-none absolute left-0 top-0 z-10"
            style={{
              width: TOOLTIP_WIDTH,
              transform: `translate(${tooltipX}px, ${tooltipY}px)`,
              opacity: hover ? 1 : 0,
            }}
          >
            {hover && <MemoTooltip metricKey={metricKey} curves={curves} step={hover.step} />}
          </div>
        </>
      )}
    </div>
  );
}
