"use client";

import { memo } from "react";
import { Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { CurvePoint } from "@/components/experiments/charts/curves";
import { formatMetric } from "@/components/experiments/shared/format";

type Props = { points: CurvePoint[]; color: string; label: string; width?: number; height?: number };

/** A small line chart of one metric of one run, for tables. */
export const MetricSparkline = memo(function MetricSparkline({
  points,
  color,
  label,
  width = 200,
  height = 48,
}: Props) {
  if (points.length < 2)
    return <span className="text-xs text-slate-500">{points.length === 0 ? "no points" : "a single point"}</span>;
  return (
    <div role="img" aria-label={`${label}: ${points.length} points`}>
      <LineChart width={width} height={height} data={points} margin={{ top: 4, right: 4, bottom: 4, left: 4 }}>
        <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} hide />
        <YAxis type="number" domain={["auto", "auto"]} hide />
        <Tooltip
          formatter={(value) => [formatMetric(Number(value)), label]}
          labelFormatter={(step) => `step ${String(step)}`}
          contentStyle={{ fontSize: 11, padding: "4px 8px", borderRadius: 6 }}
          isAnimationActive={false}
        />
        <Line dataKey="value" stroke={color} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
    </div>
  );
});
