"use client";

import { useCallback, useEffect, useRef, useState, type PointerEvent } from "react";
import type { RunCurve } from "@/components/experiments/charts/curves";
import {
  curveAt,
  insideBox,
  stepAtPixel,
  stepsFromDrag,
  type CurveHit,
  type CurveView,
  type StepRange,
} from "@/components/experiments/charts/curve-view";

export type CurveHover = { px: number; py: number; step: number; hit: CurveHit | null };

/** How far above or below a line the pointer may be for the hover to name its run. */
const HIT_DISTANCE = 8;

/**
 * The pointer over a curves chart: where it is, the curve under it, and a drag across the plot that zooms to the
 * steps it covers. Work happens at most once per animation frame.
 */
export function useCurvePointer(
  view: CurveView | null,
  curves: readonly RunCurve[],
  onZoom: (steps: StepRange) => void,
) {
  const [hover, setHover] = useState<CurveHover | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view) return;
      const rect = event.currentTarget.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const py = event.clientY - rect.top;
      const dragging = dragFrom !== null;
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => {
        if (!dragging && !insideBox(view.box, px, py)) return setHover(null);
        const hit = dragging ? null : curveAt(curves, view, px, py, HIT_DISTANCE);
        setHover({ px, py, step: Math.round(stepAtPixel(view, px)), hit });
      });
    },
    [view, curves, dragFrom],
  );

  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view || event.button !== 0) return;
      const rect = event.currentTarget.getBoundingClientRect();
      const px = event.clientX - rect.left;
      if (!insideBox(view.box, px, event.clientY - rect.top)) return;
      event.currentTarget.setPointerCapture(event.pointerId);
      setDragFrom(px);
    },
    [view],
  );

  const onPointerUp = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view || dragFrom === null) return;
      const px = event.clientX - event.currentTarget.getBoundingClientRect().left;
      setDragFrom(null);
      const steps = stepsFromDrag(view, dragFrom, px);
      if (steps) onZoom(steps);
    },
    [view, dragFrom, onZoom],
  );

  const onPointerLeave = useCallback(() => {
    cancelAnimationFrame(frame.current);
    if (dragFrom === null) setHover(null);
  }, [dragFrom]);

  const selection: readonly [number, number] | null = dragFrom !== null && hover ? [dragFrom, hover.px] : null;
  return { hover, selection, handlers: { onPointerMove, onPointerDown, onPointerUp, onPointerLeave } };
}
