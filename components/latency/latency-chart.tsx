"use client";

import { memo, useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";
import { lineLabel, tickFormatter } from "@/components/latency/latency-format";

type Dashboard = RouterOutputs["latency"]["dashboard"];
export type ChartMetric = keyof Omit<Dashboard["series"][number]["points"][number], "t">;

const COLORS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0284c7", "#9333ea", "#65a30d", "#db2777"];

type Props = {
  title: string;
  metric: ChartMetric;
  dashboard: Dashboard;
  format: (value: number | null) => string;
  /** The axis top while every value is 0, so a flat zero line sits at the bottom of a sensible scale. */
  emptyMax: number;
};

/** One measured metric over the range, a line per endpoint × variant; gaps where Prometheus had no data. */
export const LatencyChart = memo(function LatencyChart({ title, metric, dashboard, format, emptyMax }: Props) {
  const { rows, labels } = useMemo(() => {
    const byTime = new Map<number, Record<string, number | null>>();
    const names = dashboard.series.map((line) => lineLabel(line.endpoint, line.variant));
    dashboard.series.forEach((line, i) => {
      for (const point of line.points) {
        const row = byTime.get(point.t) ?? { t: point.t };
        row[names[i]!] = point[metric];
        byTime.set(point.t, row);
      }
    });
    return { rows: [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0)), labels: names };
  }, [dashboard.series, metric]);
  const rangeSeconds = (dashboard.end.getTime() - dashboard.start.getTime()) / 1000;
  const tick = tickFormatter(rangeSeconds);

  return (
    <Card title={title} actions={<span className="text-xs text-slate-500">rate window {dashboard.chartWindow}</span>}>
      <div
        role="img"
        aria-label={`${title}: ${labels.length} series`}
        data-testid={`chart-${metric}`}
        data-query={dashboard.queries.series[metric]}
        className="h-56"
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              domain={[dashboard.start.getTime() / 1000, dashboard.end.getTime() / 1000]}
              tickFormatter={tick}
              fontSize={11}
            />
            <YAxis
              fontSize={11}
              width={80}
              domain={[0, (max: number) => (max > 0 ? max : emptyMax)]}
              tickFormatter={(v: number) => format(v)}
            />
            <Tooltip
              formatter={(value) => format(typeof value === "number" ? value : null)}
              labelFormatter={(t) => tick(Number(t))}
              isAnimationActive={false}
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {labels.map((label, i) => (
              <Line
                key={label}
                dataKey={label}
                stroke={COLORS[i % COLORS.length]}
                dot={false}
                strokeWidth={1.5}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
});
