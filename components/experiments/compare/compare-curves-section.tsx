"use client";

import { memo, useMemo } from "react";
import { MetricCurvesChart } from "@/components/experiments/charts/metric-curves-chart";
import { RenderWhenVisible } from "@/components/experiments/charts/render-when-visible";
import { Card } from "@/components/ui/card";
import { curvesByMetric, downsampledFrom } from "@/components/experiments/compare/compare";
import type { RouterOutputs } from "@/trpc/react";
import { MetricPicker } from "@/components/experiments/compare/metric-picker";

type Comparison = RouterOutputs["experiments"]["compare"];

type Props = {
  runs: Comparison["runs"];
  series: Comparison["series"];
  metricKeys: string[];
  availableMetricKeys: string[];
  colors: ReadonlyMap<string, string>;
  hidden: ReadonlySet<string>;
  onMetricsChange: (metrics: string[]) => void;
};

const MAX_CHARTS = 12;
const CHART_HEIGHT = 280;

export const CompareCurvesSection = memo(function CompareCurvesSection(props: Props) {
  const { runs, series, metricKeys, availableMetricKeys, colors, hidden, onMetricsChange } = props;
  const curves = useMemo(
    () => curvesByMetric(metricKeys, series, runs, colors, hidden),
    [metricKeys, series, runs, colors, hidden],
  );

  return (
    <section aria-labelledby="curves-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="curves-heading" className="text-lg font-semibold text-slate-900">
          Metric curves
        </h2>
        {availableMetricKeys.length > 0 && (
          <MetricPicker
            available={availableMetricKeys}
            selected={metricKeys}
            onChange={onMetricsChange}
            max={MAX_CHARTS}
          />
        )}
      </div>
      {metricKeys.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
          These runs logged no metrics.
        </p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {metricKeys.map((key) => {
            const metricCurves = curves.get(key) ?? [];
            const from = downsampledFrom(series, key);
            return (
              <Card
                key={key}
                title={<span className="font-mono">{key}</span>}
                actions={
                  from !== null && (
                    <span className="text-xs text-slate-500">downsampled from {from.toLocaleString()} points</span>
                  )
                }
              >
                <div data-testid={`curve-${key}`}>
                  {metricCurves.length === 0 ? (
                    <p
                      className="flex items-center justify-center text-sm text-slate-500"
                      style={{ height: CHART_HEIGHT }}
                    >
                      No visible run logged {key}.
                    </p>
                  ) : (
                    <RenderWhenVisible height={CHART_HEIGHT}>
                      <MetricCurvesChart metricKey={key} curves={metricCurves} height={CHART_HEIGHT} />
                    </RenderWhenVisible>
                  )}
                </div>
              </Card>
            );
          })}
        </div>
      )}
    </section>
  );
});
