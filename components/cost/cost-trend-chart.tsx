"use client";

import { memo, useMemo } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";
import { formatUsd } from "@/components/cost/cost-format";

type Trend = RouterOutputs["cost"]["trend"];

const COLORS = ["#4f46e5", "#e11d48", "#059669", "#d97706", "#0284c7", "#9333ea", "#65a30d", "#db2777"];
const TOTAL = "All teams";

const tickFor = (rangeMs: number) => {
  const format = new Intl.DateTimeFormat(
    "en-GB",
    rangeMs > 2 * 86_400_000 ? { day: "2-digit", month: "short" } : { hour: "2-digit", minute: "2-digit" },
  );
  return (t: number) => format.format(new Date(t));
};

/** $/hour over the range, in total and per team (instances × price at each point of a range query). */
export const CostTrendChart = memo(function CostTrendChart({ trend }: { trend: Trend }) {
  const rows = useMemo(() => {
    const byTime = new Map<number, Record<string, number>>();
    for (const p of trend.points) byTime.set(p.t, { t: p.t, [TOTAL]: p.usdPerHour });
    for (const team of trend.teams) {
      for (const p of team.points) {
        const row = byTime.get(p.t) ?? { t: p.t };
        row[team.teamName] = p.usdPerHour;
        byTime.set(p.t, row);
      }
    }
    return [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  }, [trend]);
  const lines = [TOTAL, ...trend.teams.map((team) => team.teamName)];
  const tick = tickFor(trend.end.getTime() - trend.start.getTime());

  return (
    <Card
      title="$/hour over time"
      actions={<span className="text-xs text-slate-500">one point every {trend.stepSeconds} s</span>}
    >
      <div
        role="img"
        aria-label={`$/hour over time: ${lines.length} series`}
        data-testid="chart-usd-per-hour"
        data-query={trend.promql[0]?.promql}
        className="h-64"
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              domain={[trend.start.getTime(), trend.end.getTime()]}
              tickFormatter={tick}
              fontSize={11}
            />
            <YAxis fontSize={11} width={72} tickFormatter={(v: number) => formatUsd(v)} />
            <Tooltip
              formatter={(value) => formatUsd(typeof value === "number" ? value : null)}
              labelFormatter={(t) => tick(Number(t))}
              isAnimationActive={false}
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {lines.map((name, i) => (
              <Line
                key={name}
                dataKey={name}
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={name === TOTAL ? 2.5 : 1.5}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
});

/**
 * $ per 1,000 predictions over time: the $/hour of the endpoints whose predictions Prometheus counts (local runtime,
 * Kubernetes pods) over their predictions per hour; SageMaker endpoints are left out and named under the chart.
 */
export const CostPerPredictionChart = memo(function CostPerPredictionChart({ trend }: { trend: Trend }) {
  const tick = tickFor(trend.end.getTime() - trend.start.getTime());
  return (
    <Card title="$ per 1,000 predictions over time">
      <div
        role="img"
        aria-label="$ per 1,000 predictions over time"
        data-testid="chart-usd-per-1k"
        data-query={trend.promql[1]?.promql}
        className="h-64"
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={trend.points} margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
            <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
            <XAxis
              dataKey="t"
              type="number"
              domain={[trend.start.getTime(), trend.end.getTime()]}
              tickFormatter={tick}
              fontSize={11}
            />
            <YAxis fontSize={11} width={72} tickFormatter={(v: number) => formatUsd(v)} />
            <Tooltip
              formatter={(value) => formatUsd(typeof value === "number" ? value : null)}
              labelFormatter={(t) => tick(Number(t))}
              isAnimationActive={false}
            />
            <Line
              dataKey="usdPer1kPredictions"
              name="$ / 1k predictions"
              stroke="#059669"
              strokeWidth={2}
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {trend.per1kExcludes.length > 0 && (
        <p className="mt-2 text-xs text-slate-500" data-testid="usd-per-1k-excludes">
          Leaves out {trend.per1kExcludes.join(", ")}: their predictions are counted by CloudWatch, not Prometheus (see
          the table below).
        </p>
      )}
    </Card>
  );
});
