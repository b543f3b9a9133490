"use client";

import { memo } from "react";
import { CartesianGrid, Cell, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { ScatterDatum } from "@/components/experiments/compare/compare";
import { formatMetric } from "@/components/experiments/shared/format";
import { ScatterTooltip } from "@/components/experiments/charts/scatter-tooltip";

type Props = { points: ScatterDatum[]; xLabel: string; yLabel: string; xCategories: string[] | null; height?: number };

/** One dot per run: y is a metric, x a metric or a param (numeric, or categories when it is text). */
export const RunScatterChart = memo(function RunScatterChart({
  points,
  xLabel,
  yLabel,
  xCategories,
  height = 340,
}: Props) {
  return (
    <ScatterChart responsive style={{ width: "100%", height }} margin={{ top: 8, right: 24, bottom: 24, left: 8 }}>
      <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
      {xCategories ? (
        <XAxis
          dataKey="x"
          type="category"
          allowDuplicatedCategory={false}
          ticks={xCategories}
          name={xLabel}
          tick={{ fontSize: 11, fill: "#64748b" }}
          label={{ value: xLabel, position: "insideBottom", offset: -12, fontSize: 12, fill: "#475569" }}
        />
      ) : (
        <XAxis
          dataKey="x"
          type="number"
          domain={["auto", "auto"]}
          name={xLabel}
          tickFormatter={(value: number) => formatMetric(value)}
          tick={{ fontSize: 11, fill: "#64748b" }}
          label={{ value: xLabel, position: "insideBottom", offset: -12, fontSize: 12, fill: "#475569" }}
        />
      )}
      <YAxis
        dataKey="y"
        type="number"
        domain={["auto", "auto"]}
        name={yLabel}
        width={72}
        tickFormatter={(value: number) => formatMetric(value)}
        tick={{ fontSize: 11, fill: "#64748b" }}
        label={{ value: yLabel, angle: -90, position: "insideLeft", fontSize: 12, fill: "#475569" }}
      />
      <Tooltip
        isAnimationActive={false}
        cursor={{ strokeDasharray: "3 3" }}
        content={<ScatterTooltip xLabel={xLabel} yLabel={yLabel} />}
      />
      <Scatter data={points} isAnimationActive={false} fillOpacity={0.85}>
        {points.map((point) => (
          <Cell key={point.runId} fill={point.color} />
        ))}
      </Scatter>
    </ScatterChart>
  );
});
