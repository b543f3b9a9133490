"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { AbMetricKey } from "@/contracts/abtests";
import { formatDateTime } from "@/lib/format";
import { formatDifference } from "@/components/abtests/ab-analysis-format";
import { metricLabel } from "@/components/abtests/ab-test-format";
import type { AbLookSeries, AbTestView } from "@/components/abtests/ab-test-types";
import { armName } from "@/components/abtests/ab-verdict-wording";
import {
  bandKey,
  chartableMetrics,
  intervalChartRows,
  intervalChartSummary,
  timeTick,
} from "@/components/abtests/interval-chart-data";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

const COLORS = ["#4f46e5", "#e11d48", "#059669"];

function IntervalPlot({
  metric,
  series,
  arms,
}: {
  metric: AbMetricKey;
  series: AbLookSeries[];
  arms: AbTestView["arms"];
}) {
  const rows = useMemo(() => intervalChartRows(series), [series]);
  const name = (variantName: string) => armName(arms, variantName);
  const format = (value: number) => formatDifference(metric, value);
  const span = rows.length > 1 ? rows.at(-1)!.at - rows[0]!.at : 0;
  return (
    <div role="img" aria-label={intervalChartSummary(metric, series, name)} className="h-64">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            fontSize={11}
            tickFormatter={(at: number) => timeTick(at, span)}
          />
          <YAxis
            fontSize={11}
            width={64}
            tickFormatter={(value: number) => formatDifference(metric, value, { compact: true })}
          />
          <ReferenceLine y={0} stroke="#475569" strokeDasharray="4 2" />
          <Tooltip
            isAnimationActive={false}
            labelFormatter={(at) => formatDateTime(new Date(Number(at)))}
            formatter={(value) =>
              Array.isArray(value)
                ? `${format(Number(value[0]))} to ${format(Number(value[1]))}`
                : typeof value === "number"
                  ? format(value)
                  : "—"
            }
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {series.map((s, i) => (
            <Area
              key={bandKey(s.variantName)}
              dataKey={bandKey(s.variantName)}
              name={`${name(s.variantName)} interval`}
              stroke="none"
              fill={COLORS[i % COLORS.length]}
              fillOpacity={0.15}
              connectNulls
              isAnimationActive={false}
              legendType="none"
            />
          ))}
          {series.map((s, i) => (
            <Line
              key={s.variantName}
              dataKey={s.variantName}
              name={`${name(s.variantName)} − champion`}
              stroke={COLORS[i % COLORS.length]}
              strokeWidth={2}
              dot={rows.length <= 60 ? { r: 2 } : false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Each challenger's difference from the champion over the looks, with its always-valid interval (the confidence
 * sequence) as a band and 0 marked: the primary metric first, the others through the picker.
 */
export function AbIntervalChart({ test }: { test: AbTestView }) {
  const trpc = useTRPC();
  const pickerId = useId();
  const metrics = chartableMetrics(test.preRegistration.primaryMetric, test.metrics);
  const [metric, setMetric] = useState<AbMetricKey>(test.preRegistration.primaryMetric);
  const query = useQuery(trpc.abTests.looks.queryOptions({ testId: test.id, metric }, { refetchInterval: 60_000 }));
  return (
    <Card
      title="Difference over time"
      actions={
        metrics.length > 1 && (
          <span className="flex items-center gap-2 text-xs text-slate-600">
            <label htmlFor={pickerId}>Metric</label>
            <Select
              id={pickerId}
              value={metric}
              onChange={(event) => setMetric(metrics.find((key) => key === event.target.value) ?? metric)}
              className="py-1 text-xs"
            >
              {metrics.map((key) => (
                <option key={key} value={key}>
                  {metricLabel(key)}
                </option>
              ))}
            </Select>
          </span>
        )
      }
    >
      <div data-testid="ab-interval-chart">
        {query.isPending ? (
          <LoadingState label="Loading the looks…" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.data.series.length === 0 ? (
          <EmptyState
            title={`No looks at ${metricLabel(metric).toLowerCase()} yet`}
            description="Each look of the analysis adds a point here."
          />
        ) : (
          <>
            <IntervalPlot metric={metric} series={query.data.series} arms={test.arms} />
            <p className="mt-2 text-xs text-slate-500">
              Bands are always-valid intervals: they may be read at any look, and narrow as units come in. A band clear
              of 0 is a significant difference.
            </p>
          </>
        )}
      </div>
    </Card>
  );
}
