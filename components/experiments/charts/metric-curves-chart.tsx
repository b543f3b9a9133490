"use client";

import { memo, useState } from "react";
import type { RunCurve } from "@/components/experiments/charts/curves";
import type { ChartGeometry } from "@/components/experiments/charts/chart-geometry-reporter";
import { CurvesHoverLayer } from "@/components/experiments/charts/curves-hover-layer";
import { CurvesPlot } from "@/components/experiments/charts/curves-plot";

type Props = { metricKey: string; curves: RunCurve[]; height?: number };

/**
 * One metric, one line per run, x = step. The lines are drawn once (memoised, no animation, no
 * dots); the cursor and tooltip live in a separate layer so hovering does not redraw 200 paths.
 */
export const MetricCurvesChart = memo(function MetricCurvesChart({ metricKey, curves, height = 280 }: Props) {
  const [geometry, setGeometry] = useState<ChartGeometry | null>(null);
  return (
    <div
      className="relative"
      style={{ height }}
      role="img"
      aria-label={`${metricKey} by step for ${curves.length} runs`}
    >
      <CurvesPlot curves={curves} height={height} onGeometry={setGeometry} />
      <CurvesHoverLayer geometry={geometry} curves={curves} metricKey={metricKey} />
    </div>
  );
});
