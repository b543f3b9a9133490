/** Geometry of the parallel-coordinates chart: where axes stand and how a run's line is drawn. */

import { buildAxis, type Axis } from "@/components/experiments/charts/scale";

export type PcDimension = { id: string; label: string; values: readonly (string | number | undefined)[] };

export type PcBox = { width: number; height: number; top: number; right: number; bottom: number; left: number };

export type PcAxisLayout = { id: string; label: string; x: number; axis: Axis };

/** Evenly spaced vertical axes across the plot area, each scaled to its own values. */
export function layoutAxes(dimensions: readonly PcDimension[], box: PcBox): PcAxisLayout[] {
  const plotWidth = Math.max(0, box.width - box.left - box.right);
  const gap = dimensions.length > 1 ? plotWidth / (dimensions.length - 1) : 0;
  return dimensions.map((dimension, index) => ({
    id: dimension.id,
    label: dimension.label,
    x: dimensions.length > 1 ? box.left + index * gap : box.left + plotWidth / 2,
    axis: buildAxis(dimension.values),
  }));
}

/** Pixel y for an axis fraction (0 = bottom, 1 = top). */
export function yForFraction(fraction: number, box: PcBox): number {
  const plotHeight = Math.max(0, box.height - box.top - box.bottom);
  return box.top + (1 - fraction) * plotHeight;
}

export type PcVertex = { x: number; y: number } | null;

/** The vertices of line `lineIndex` on every axis; null where the run has no value. */
export function lineVertices(
  axes: readonly PcAxisLayout[],
  dimensions: readonly PcDimension[],
  lineIndex: number,
  box: PcBox,
): PcVertex[] {
  return axes.map((layout, axisIndex) => {
    const value = dimensions[axisIndex]?.values[lineIndex];
    if (value === undefined) return null;
    const fraction = layout.axis.position(value);
    return fraction === null ? null : { x: layout.x, y: yForFraction(fraction, box) };
  });
}

/** An SVG path through the vertices; a missing value breaks the line instead of bridging the gap. */
export function pathThrough(vertices: readonly PcVertex[]): string {
  let path = "";
  let penDown = false;
  for (const vertex of vertices) {
    if (vertex === null) {
      penDown = false;
      continue;
    }
    path += `${penDown ? "L" : "M"}${round(vertex.x)},${round(vertex.y)}`;
    penDown = true;
  }
  return path;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** At most `limit` labels of a categorical axis, evenly picked, so long lists stay readable. */
export function pickCategoryLabels(categories: readonly string[], limit: number): string[] {
  if (categories.length <= limit) return [...categories];
  const step = (categories.length - 1) / (limit - 1);
  return [...new Set(Array.from({ length: limit }, (_, i) => categories[Math.round(i * step)] as string))];
}
