"use client";

import { memo, useMemo } from "react";
import { CartesianGrid, LineChart, XAxis, YAxis } from "recharts";
import { stepDomain, valueDomain, type RunCurve } from "@/components/experiments/charts/curves";
import { formatMetric } from "@/components/experiments/shared/format";
import { niceTicks } from "@/components/experiments/charts/scale";
import { ChartGeometryReporter, type ChartGeometry } from "@/components/experiments/charts/chart-geometry-reporter";
import { RunLine } from "@/components/experiments/charts/run-line";

type PlotProps = { curves: RunCurve[]; height: number; onGeometry: (geometry: ChartGeometry) => void };

/** The lines of a curves chart; memoised so that only new curves redraw it. */
export const CurvesPlot = memo(function CurvesPlot({ curves, height, onGeometry }: PlotProps) {
  // Domains are computed here and memoised on their numbers, so recharts keeps its scales while they
  // hold. No allowDataOverflow: it would clip each of the 200 lines and make every repaint costlier.
  const [firstStep, lastStep] = stepDomain(curves);
  const [lowValue, highValue] = valueDomain(curves);
  const xDomain = useMemo(() => [firstStep, lastStep], [firstStep, lastStep]);
  const yDomain = useMemo(() => [lowValue, highValue], [lowValue, highValue]);
  const xTicks = useMemo(() => niceTicks(firstStep, lastStep, 5).filter(Number.isInteger), [firstStep, lastStep]);
  const yTicks = useMemo(() => niceTicks(lowValue, highValue, 5), [lowValue, highValue]);
  const many = curves.length > 50;
  return (
    <LineChart responsive style={{ width: "100%", height }} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
      <XAxis
        dataKey="step"
        type="number"
        domain={xDomain}
        ticks={xTicks}
        allowDecimals={false}
        allowDuplicatedCategory={false}
        tick={{ fontSize: 11, fill: "#64748b" }}
        label={{ value: "step", position: "insideBottomRight", offset: -4, fontSize: 11, fill: "#94a3b8" }}
      />
      {/* Without a dataKey recharts maps every line's key over every line's points (runs² work). */}
      <YAxis
        dataKey="value"
        type="number"
        domain={yDomain}
        ticks={yTicks}
        tickFormatter={(value: number) => formatMetric(value)}
        tick={{ fontSize: 11, fill: "#64748b" }}
        width={64}
      />
      {curves.map((curve) => (
        <RunLine key={curve.runId} runName={curve.runName} color={curve.color} points={curve.points} thin={many} />
      ))}
      <ChartGeometryReporter onChange={onGeometry} />
    </LineChart>
  );
});
