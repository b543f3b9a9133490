"use client";

import { memo, useCallback, useMemo, useState, type PointerEvent } from "react";
import {
  layoutAxes,
  lineVertices,
  pathThrough,
  type PcBox,
  type PcDimension,
} from "@/components/experiments/charts/parallel";
import { PcAxis } from "@/components/experiments/charts/pc-axis";
import { PcHitPaths } from "@/components/experiments/charts/pc-hit-paths";
import { PcHoverSummary } from "@/components/experiments/charts/pc-hover-summary";
import { PcLines, type PcPath } from "@/components/experiments/charts/pc-lines";
import { useElementWidth } from "@/components/experiments/charts/use-element-width";

export type PcLine = { id: string; label: string; color: string };

type Props = { dimensions: PcDimension[]; lines: PcLine[]; height?: number; title: string };

const MARGIN = { top: 48, right: 56, bottom: 28, left: 56 };

/**
 * Parallel coordinates: one vertical axis per dimension, one polyline per run. Hover state lives
 * here, but the lines are memoised, so hovering only redraws the highlighted line and its label.
 */
export const ParallelCoordinates = memo(function ParallelCoordinates({
  dimensions,
  lines,
  height = 360,
  title,
}: Props) {
  const [containerRef, width] = useElementWidth<HTMLDivElement>();
  const [hoveredId, setHoveredId] = useState<string | null>(null);

  const box: PcBox = useMemo(() => ({ width, height, ...MARGIN }), [width, height]);
  const axes = useMemo(() => layoutAxes(dimensions, box), [dimensions, box]);
  const paths: PcPath[] = useMemo(
    () => lines.map((line, index) => ({ ...line, d: pathThrough(lineVertices(axes, dimensions, index, box)) })),
    [lines, axes, dimensions, box],
  );

  const onPointerOver = useCallback((event: PointerEvent<SVGGElement>) => {
    const target = event.target;
    if (target instanceof SVGElement && target.dataset.runId) setHoveredId(target.dataset.runId);
  }, []);
  const onPointerLeave = useCallback(() => setHoveredId(null), []);

  const hoveredIndex = hoveredId === null ? -1 : lines.findIndex((line) => line.id === hoveredId);
  const hovered = hoveredIndex >= 0 ? paths[hoveredIndex] : undefined;

  return (
    <div ref={containerRef} className="relative w-full" data-testid="parallel-coordinates">
      <PcHoverSummary dimensions={dimensions} line={hovered} index={hoveredIndex} />
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={title} className="block select-none">
          <title>{title}</title>
          <g className={hovered ? "opacity-20 transition-opacity" : "transition-opacity"}>
            <PcLines paths={paths} />
          </g>
          {axes.map((layout) => (
            <PcAxis key={layout.id} layout={layout} box={box} />
          ))}
          {hovered && <path d={hovered.d} fill="none" stroke={hovered.color} strokeWidth={3} pointerEvents="none" />}
          <g onPointerOver={onPointerOver} onPointerLeave={onPointerLeave}>
            <PcHitPaths paths={paths} />
          </g>
        </svg>
      )}
    </div>
  );
});
