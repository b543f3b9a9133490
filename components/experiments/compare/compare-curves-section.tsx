"use client";

import { memo, useMemo } from "react";
import { MetricCurvesChart } from "@/components/experiments/charts/metric-curves-chart";
import { RenderWhenVisible } from "@/components/experiments/charts/render-when-visible";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { curvesByMetric, downsampledFrom, stepDomainsByMetric } from "@/components/experiments/compare/compare";
import type { RouterOutputs } from "@/trpc/react";
import { MetricPicker } from "@/components/experiments/compare/metric-picker";
import type { CurvesWithDetail } from "@/components/experiments/compare/zoom-detail";
import { MAX_CURVE_METRICS } from "@/contracts/curve-frames";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import { LogScaleToggle } from "@/components/experiments/compare/log-scale-toggle";
import { ZoomStatus } from "@/components/experiments/compare/zoom-status";

type Comparison = RouterOutputs["experiments"]["compare"];

type Props = {
  runs: Comparison["runs"];
  metricKeys: string[];
  availableMetricKeys: string[];
  colors: ReadonlyMap<string, string>;
  hidden: ReadonlySet<string>;
  onMetricsChange: (metrics: string[]) => void;
  zoom: StepRange | null;
  onZoom: (steps: StepRange | null) => void;
  logMetrics: readonly string[];
  onLogScale: (metricKey: string, log: boolean) => void;
  highlightedRunId: string | null;
  /** The curves, streamed from the moment the page knows which runs and metrics to ask for. */
  stream: CurvesWithDetail;
};

const MAX_CHARTS = MAX_CURVE_METRICS;

const CHART_HEIGHT = 280;

export const CompareCurvesSection = memo(function CompareCurvesSection(props: Props) {
  const { runs, availableMetricKeys, colors, hidden, onMetricsChange, zoom, onZoom, onLogScale, stream } = props;
  const metricKeys = useMemo(() => props.metricKeys.slice(0, MAX_CHARTS), [props.metricKeys]);
  const series = stream.series;
  const curves = useMemo(
    () => curvesByMetric(metricKeys, series, runs, colors, hidden),
    [metricKeys, series, runs, colors, hidden],
  );
  // Within a zoom the charts hold the range's curves; zooming out and panning move within the whole curves' steps.
  const wholeSeries = stream.wholeSeries;
  const fullSteps = useMemo(
    () => (zoom === null ? null : stepDomainsByMetric(wholeSeries, hidden)),
    [zoom, wholeSeries, hidden],
  );

  return (
    <section aria-labelledby="curves-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="curves-heading" className="text-lg font-semibold text-slate-900">
          Metric curves
        </h2>
        <p role="status" aria-live="polite" className="text-xs text-slate-500" data-testid="curves-progress">
          {stream.done
            ? `${(stream.bytes / 1024).toFixed(0)} KB of curves`
            : metricKeys.length > 0 && !stream.error
              ? `Loading curves: ${stream.loadedRuns.toLocaleString()} of ${runs.length.toLocaleString()} runs`
              : ""}
        </p>
        <ZoomStatus zoom={zoom} detail={stream.detail} onReset={() => onZoom(null)} />
        {availableMetricKeys.length > 0 && (
          <MetricPicker
            available={availableMetricKeys}
            selected={metricKeys}
            onChange={onMetricsChange}
            max={MAX_CHARTS}
          />
        )}
      </div>
      {stream.error && <ErrorState error={{ message: stream.error }} onRetry={stream.retry} />}
      {metricKeys.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
          These runs logged no metrics.
        </p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {metricKeys.map((key) => {
            const metricCurves = curves.get(key) ?? [];
            const from = downsampledFrom(series, key);
            const log = props.logMetrics.includes(key);
            return (
              <Card
                key={key}
                title={<span className="font-mono">{key}</span>}
                actions={
                  <span className="flex items-center gap-2">
                    {from !== null && zoom === null && (
                      <span className="text-xs text-slate-500">downsampled from {from.toLocaleString()} points</span>
                    )}
                    <LogScaleToggle metricKey={key} log={log} onChange={onLogScale} />
                  </span>
                }
              >
                <div data-testid={`curve-${key}`}>
                  {metricCurves.length === 0 && !stream.done ? (
                    <div className="animate-pulse rounded bg-slate-200/70" style={{ height: CHART_HEIGHT }} />
                  ) : metricCurves.length === 0 ? (
                    <p
                      className="flex items-center justify-center text-sm text-slate-500"
                      style={{ height: CHART_HEIGHT }}
                    >
                      No visible run logged {key}.
                    </p>
                  ) : (
                    <RenderWhenVisible height={CHART_HEIGHT}>
                      <MetricCurvesChart
                        metricKey={key}
                        curves={metricCurves}
                        fullSteps={fullSteps?.get(key)}
                        height={CHART_HEIGHT}
                        zoom={zoom}
                        onZoom={onZoom}
                        scale={log ? "log" : "linear"}
                        highlightedRunId={props.highlightedRunId}
                      />
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
