"use client";

import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from "react";
import { stepDomain, type RunCurve } from "@/components/experiments/charts/curves";
import {
  shownSteps,
  stepsForKey,
  valueDomainIn,
  type CurveView,
  type StepRange,
  type YScale,
} from "@/components/experiments/charts/curve-view";
import { curvesKept, drawCurves, drawOverlay, prepareCanvas } from "@/components/experiments/charts/draw-curves";
import { CurveAxes } from "@/components/experiments/charts/curve-axes";
import { CurvesTooltip } from "@/components/experiments/charts/curves-tooltip";
import { useCurvePointer } from "@/components/experiments/charts/use-curve-pointer";
import { useElementWidth } from "@/components/experiments/charts/use-element-width";

type Props = {
  metricKey: string;
  curves: RunCurve[];
  /**
   * Every step the whole curves span, when `curves` hold only a zoomed range's (zooming out and panning move within
   * it); else the steps `curves` span.
   */
  fullSteps?: StepRange;
  height: number;
  /** The steps shown, shared by every chart of the page; null shows them all. */
  zoom: StepRange | null;
  onZoom: (steps: StepRange | null) => void;
  scale: YScale;
  /** A run to bring forward (from the legend); the run under the pointer takes its place while hovering. */
  highlightedRunId: string | null;
};

const MARGIN = { left: 64, right: 16, top: 8, bottom: 30 };
const TOOLTIP_WIDTH = 240;

/**
 * One metric, one line per run, x = step, drawn on canvas so that a thousand runs stay responsive. The lines are drawn
 * once per change of curves, zoom or scale; hovering only redraws the overlay canvas above them.
 */
export const MetricCurvesChart = memo(function MetricCurvesChart(props: Props) {
  const { metricKey, curves, height, zoom, onZoom, scale, highlightedRunId } = props;
  const [wrapper, width] = useElementWidth<HTMLDivElement>();
  const base = useRef<HTMLCanvasElement>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const { fullSteps } = props;
  const full = useMemo(() => fullSteps ?? stepDomain(curves), [fullSteps, curves]);
  const [from, to] = shownSteps(full, zoom);
  const view = useMemo<CurveView | null>(() => {
    const box = {
      left: MARGIN.left,
      top: MARGIN.top,
      width: width - MARGIN.left - MARGIN.right,
      height: height - MARGIN.top - MARGIN.bottom,
    };
    if (box.width <= 0) return null;
    return { steps: [from, to], values: valueDomainIn(curves, [from, to], scale), scale, box };
  }, [curves, from, to, scale, width, height]);
  const { hover, selection, handlers } = useCurvePointer(view, curves, onZoom);

  // What the lower canvas holds, so curves streaming in are drawn over it rather than everything again.
  const onCanvas = useRef<{ curves: readonly RunCurve[]; view: CurveView; inView: number; ratio: number } | null>(null);
  useEffect(() => {
    const canvas = base.current;
    if (!canvas || !view || !wrapper.current) return;
    const previous = onCanvas.current;
    const ratio = window.devicePixelRatio || 1;
    // A new pixel density resizes the canvas, which clears it: everything is drawn again.
    const kept = previous && previous.ratio === ratio ? curvesKept(previous, { curves, view }) : 0;
    const context = kept > 0 ? canvas.getContext("2d") : prepareCanvas(canvas, width, height);
    if (!context) return;
    const inView = (kept > 0 && previous ? previous.inView : 0) + drawCurves(context, curves, view, kept);
    onCanvas.current = { curves, view, inView, ratio };
    // Set on the element rather than through state: tests and bench/ui read it, React never needs it.
    wrapper.current.dataset.drawnCurves = String(inView);
  }, [curves, view, width, height, wrapper]);

  const emphasised = hover?.hit?.runId ?? highlightedRunId;
  const highlighted = useMemo(() => curves.find((curve) => curve.runId === emphasised) ?? null, [curves, emphasised]);
  useEffect(() => {
    const canvas = overlay.current;
    const context = canvas ? prepareCanvas(canvas, width, height) : null;
    if (!context || !view) return;
    drawOverlay(context, view, { highlighted, cursorX: hover?.px ?? null, selection });
  }, [view, width, height, highlighted, hover?.px, selection]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // Browser shortcuts (page zoom, back and forward) stay the browser's; a held key zooms once, not per repeat.
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const next = stepsForKey(event.key, full, [from, to], zoom !== null);
    if (next === undefined) return;
    event.preventDefault();
    onZoom(next);
  }

  const flip = hover ? hover.px + TOOLTIP_WIDTH + 16 > width : false;
  return (
    <div
      ref={wrapper}
      className="relative rounded outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
      style={{ height }}
      tabIndex={0}
      role="group"
      aria-roledescription="chart"
      aria-label={`${metricKey} by step for ${curves.length} runs, steps ${from} to ${to}, ${scale} scale. Drag across to zoom; plus and minus zoom, arrows pan, 0 shows every step.`}
      onKeyDown={onKeyDown}
      data-scale={scale}
      data-steps={`${from}..${to}`}
      data-highlighted-run={highlighted?.runId ?? ""}
    >
      <canvas ref={base} className="absolute inset-0" style={{ width, height }} aria-hidden />
      <canvas
        ref={overlay}
        className="absolute inset-0 cursor-crosshair touch-pan-y"
        style={{ width, height }}
        aria-hidden
        onDoubleClick={() => onZoom(null)}
        {...handlers}
      />
      {view && <CurveAxes view={view} />}
      {hover && !selection && (
        <div
          className="pointer-events-none absolute left-0 top-0 z-10"
          style={{
            width: TOOLTIP_WIDTH,
            transform: `translate(${flip ? hover.px - TOOLTIP_WIDTH - 12 : hover.px + 12}px, ${Math.max(0, hover.py - 40)}px)`,
          }}
        >
          <CurvesTooltip metricKey={metricKey} curves={curves} step={hover.step} hit={hover.hit} />
        </div>
      )}
    </div>
  );
});
