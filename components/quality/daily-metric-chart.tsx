"use client";

import { memo, useMemo } from "react";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import { chartRows, type DailyMetric } from "@/components/quality/daily-metrics";
import { formatValue, type QualityEndpoint } from "@/components/quality/quality-format";

const COLORS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0284c7", "#9333ea"];

/** One metric per day and variant, with its confidence interval as a band; days below the minimum n are gaps. */
export const DailyMetricChart = memo(function DailyMetricChart({
  endpoint,
  metric,
  days,
  confidence,
}: {
  endpoint: QualityEndpoint;
  metric: DailyMetric;
  days: readonly string[];
  confidence: number;
}) {
  const rows = useMemo(() => chartRows(endpoint, metric, days), [endpoint, metric, days]);
  const measured = rows.filter((r) => endpoint.variants.some((v) => r[v.variantName] !== null)).length;
  return (
    <Card
      title={`${metric.title} per day`}
      actions={<span className="text-xs text-slate-500">bands: {Math.round(confidence * 100)}% intervals</span>}
    >
      <div
        role="img"
        aria-label={`${metric.title} per day for ${endpoint.endpointName}: ${measured} of ${days.length} days measured`}
        data-testid={`quality-chart-${metric.id}`}
        className="h-56"
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis dataKey="day" fontSize={11} tickFormatter={(d: string) => d.slice(5)} />
            <YAxis
              fontSize={11}
              width={56}
              domain={endpoint.kind === "classification" ? [0, 1] : [0, "auto"]}
              tickFormatter={(v: number) => formatValue(v)}
            />
            <Tooltip
              isAnimationActive={false}
              formatter={(value) =>
                Array.isArray(value)
                  ? `${formatValue(Number(value[0]))}–${formatValue(Number(value[1]))}`
                  : formatValue(typeof value === "number" ? value : null)
              }
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {endpoint.variants.map((v, i) => (
              <Area
                key={`${v.variantName}:band`}
                dataKey={`${v.variantName}:band`}
                name={`${v.variantName} interval`}
                stroke="none"
                fill={COLORS[i % COLORS.length]}
                fillOpacity={0.15}
                connectNulls={false}
                isAnimationActive={false}
                legendType="none"
              />
            ))}
            {endpoint.variants.map((v, i) => (
              <Line
                key={v.variantName}
                dataKey={v.variantName}
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
});
