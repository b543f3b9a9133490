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

const pointerIn = (event: PointerEvent<HTMLElement>) => {
  const rect = event.currentTarget.getBoundingClientRect();
  return { px: event.clientX - rect.left, py: event.clientY - rect.top };
};

/**
 * The pointer over a curves chart: where it is, the curve under it, and a drag across the plot that zooms to the
 * steps it covers. Work happens at most once per animation frame. A hover belongs to the view it was measured in:
 * once the chart zooms or rescales it is dropped until the pointer moves again.
 */
export function useCurvePointer(
  view: CurveView | null,
  curves: readonly RunCurve[],
  onZoom: (steps: StepRange) => void,
) {
  const [hoverIn, setHover] = useState<{ view: CurveView; hover: CurveHover } | null>(null);
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const frame = useRef(0);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view) return;
      const { px, py } = pointerIn(event);
      const dragging = dragFrom !== null;
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(() => {
        if (!dragging && !insideBox(view.box, px, py)) return setHover(null);
        const hit = dragging ? null : curveAt(curves, view, px, py, HIT_DISTANCE);
        setHover({ view, hover: { px, py, step: Math.round(stepAtPixel(view, px)), hit } });
      });
    },
    [view, curves, dragFrom],
  );

  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view || event.button !== 0) return;
      const { px, py } = pointerIn(event);
      if (!insideBox(view.box, px, py)) return;
      event.currentTarget.setPointerCapture(event.pointerId);
      setDragFrom(px);
    },
    [view],
  );

  const onPointerUp = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      if (!view || dragFrom === null) return;
      setDragFrom(null);
      setHover(null);
      const steps = stepsFromDrag(view, dragFrom, pointerIn(event).px);
      if (steps) onZoom(steps);
    },
    [view, dragFrom, onZoom],
  );

  /** The pointer left, or the browser took it away mid-drag (a system gesture, palm rejection): nothing zooms. */
  const onPointerGone = useCallback(() => {
    cancelAnimationFrame(frame.current);
    setDragFrom(null);
    setHover(null);
  }, []);

  const hover = hoverIn !== null && hoverIn.view === view ? hoverIn.hover : null;
  const selection: readonly [number, number] | null = dragFrom !== null && hover ? [dragFrom, hover.px] : null;
  return {
    hover,
    selection,
    handlers: {
      onPointerMove,
      onPointerDown,
      onPointerUp,
      onPointerCancel: onPointerGone,
      onLostPointerCapture: onPointerGone,
      onPointerLeave: dragFrom === null ? onPointerGone : undefined,
    },
  };
}
