"use client";

import { useEffect } from "react";
import { usePlotArea, useXAxisInverseScale } from "recharts";

export type ChartGeometry = {
  plot: { x: number; y: number; width: number; height: number };
  /** Pixel x (relative to the chart) → x-axis value. */
  invertX: (pixel: number) => unknown;
};

/**
 * Rendered inside a recharts chart; hands the plot area and x-scale to a hover layer outside it, so
 * hovering never goes through recharts' own tooltip machinery (which recomputes every series).
 */
export function ChartGeometryReporter({ onChange }: { onChange: (geometry: ChartGeometry) => void }) {
  const plot = usePlotArea();
  const invertX = useXAxisInverseScale();
  useEffect(() => {
    if (plot && invertX) onChange({ plot: { x: plot.x, y: plot.y, width: plot.width, height: plot.height }, invertX });
  }, [plot, invertX, onChange]);
  return null;
}
