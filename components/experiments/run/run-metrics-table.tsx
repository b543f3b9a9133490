"use client";

import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { MetricSparkline } from "@/components/experiments/charts/metric-sparkline";
import { Card } from "@/components/ui/card";
import type { CurvePoint } from "@/components/experiments/charts/curves";
import { formatMetric } from "@/components/experiments/shared/format";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { tableClasses as t } from "@/components/ui/table-classes";

type Series = RouterOutputs["experiments"]["run"]["metricSeries"][number];

/** The compare endpoint accepts at most 50 metric keys per call. */
const KEYS_PER_REQUEST = 50;
const SPARKLINE_POINTS = 200;
const SPARKLINE_COLOR = "#4f46e5";

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function RunMetricsTable({ runId, series }: { runId: string; series: Series[] }) {
  const trpc = useTRPC();
  const keyChunks = useMemo(
    () =>
      chunk(
        series.map((s) => s.key),
        KEYS_PER_REQUEST,
      ),
    [series],
  );
  const curves = useQueries({
    queries: keyChunks.map((metricKeys) =>
      trpc.experiments.compare.queryOptions({ runIds: [runId], metricKeys, maxPoints: SPARKLINE_POINTS }),
    ),
  });
  const pointsByKey = useMemo(() => {
    const map = new Map<string, { points: CurvePoint[]; totalPoints: number }>();
    for (const query of curves) for (const s of query.data?.series ?? []) map.set(s.key, s);
    return map;
  }, [curves]);
  const curvesFailed = curves.find((query) => query.isError)?.error;
  const curvesLoading = curves.some((query) => query.isPending);

  return (
    <Card title={`Metrics (${series.length})`}>
      {series.length === 0 ? (
        <p className="text-sm text-slate-500">This run logged no metrics.</p>
      ) : (
        <>
          {curvesFailed && (
            <p role="alert" className="mb-3 text-sm text-rose-700">
              Could not load the metric curves: {curvesFailed.message}
            </p>
          )}
          <div className="-m-4 overflow-x-auto">
            <table className={t.table} data-testid="run-metrics">
              <thead className={t.head}>
                <tr>
                  <th scope="col" className={t.th}>
                    Metric
                  </th>
                  <th scope="col" className={`${t.th} text-right`}>
                    Last
                  </th>
                  <th scope="col" className={`${t.th} text-right`}>
                    Min
                  </th>
                  <th scope="col" className={`${t.th} text-right`}>
                    Max
                  </th>
                  <th scope="col" className={`${t.th} text-right`}>
                    Points
                  </th>
                  <th scope="col" className={t.th}>
                    Curve
                  </th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {series.map((s) => {
                  const curve = pointsByKey.get(s.key);
                  return (
                    <tr key={s.key} className={t.row}>
                      <th scope="row" className="px-3 py-2 text-left font-mono text-xs font-medium text-slate-700">
                        {s.key}
                      </th>
                      <td
                        className={`${t.td} ${t.numeric} font-medium text-slate-900`}
                        title={`step ${s.lastStep}: ${s.lastValue}`}
                      >
                        {formatMetric(s.lastValue)}
                      </td>
                      <td className={`${t.td} ${t.numeric}`} title={String(s.minValue)}>
                        {formatMetric(s.minValue)}
                      </td>
                      <td className={`${t.td} ${t.numeric}`} title={String(s.maxValue)}>
                        {formatMetric(s.maxValue)}
                      </td>
                      <td className={`${t.td} ${t.numeric}`}>{s.pointCount.toLocaleString()}</td>
                      <td className="px-3 py-1">
                        {curve ? (
                          <MetricSparkline points={curve.points} color={SPARKLINE_COLOR} label={s.key} />
                        ) : curvesLoading ? (
                          <span className="block h-12 w-[200px] animate-pulse rounded bg-slate-100" aria-hidden />
                        ) : (
                          <span className="text-xs text-slate-500">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Card>
  );
}
