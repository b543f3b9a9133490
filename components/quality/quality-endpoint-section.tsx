"use client";

import { DemoBadge } from "@/components/ui/demo-badge";
import { formatDate } from "@/lib/format";
import { CalibrationChart } from "@/components/quality/calibration-chart";
import { ClassMetricsTable } from "@/components/quality/class-metrics-table";
import { DailyMetricChart } from "@/components/quality/daily-metric-chart";
import { dailyMetrics } from "@/components/quality/daily-metrics";
import { DailyNumbersTable } from "@/components/quality/daily-numbers-table";
import type { QualityDashboard, QualityEndpoint } from "@/components/quality/quality-format";
import { VariantSummaryTable } from "@/components/quality/variant-summary-table";

/** One endpoint's quality: per-variant totals, per-class numbers, daily charts with bands, calibration. */
export function QualityEndpointSection({
  endpoint,
  dashboard,
}: {
  endpoint: QualityEndpoint;
  dashboard: QualityDashboard;
}) {
  const headingId = `quality-${endpoint.endpointId}`;
  return (
    <section
      aria-labelledby={headingId}
      className="space-y-4"
      data-testid="quality-endpoint"
      data-endpoint={endpoint.endpointName}
    >
      <h2 id={headingId} className="flex items-center gap-2 text-lg font-semibold text-slate-900">
        <span className="font-mono">{endpoint.endpointName}</span>
        <span className="text-sm font-normal text-slate-500">
          {endpoint.modelName} · {endpoint.kind}
        </span>
        {endpoint.isDemo && <DemoBadge />}
      </h2>
      {endpoint.kind === "unsupported" ? (
        <p className="text-sm text-slate-500">
          Quality is estimated for classifiers and regressors only; this model&apos;s task type has no metric here.
        </p>
      ) : endpoint.variants.length === 0 ? (
        <p className="text-sm text-slate-500">
          No variant serves on this endpoint and no prediction of it was captured.
        </p>
      ) : (
        <>
          <VariantSummaryTable endpoint={endpoint} minLabelled={dashboard.minLabelled} />
          {endpoint.kind === "classification" && (
            <ClassMetricsTable endpoint={endpoint} minLabelled={dashboard.minLabelled} />
          )}
          <div className="grid gap-4 lg:grid-cols-2">
            {dailyMetrics(endpoint).map((metric) => (
              <DailyMetricChart
                key={metric.id}
                endpoint={endpoint}
                metric={metric}
                days={dashboard.days}
                confidence={dashboard.confidence}
              />
            ))}
            {endpoint.kind === "classification" && endpoint.classes.length === 2 && (
              <CalibrationChart endpoint={endpoint} />
            )}
          </div>
          <details className="text-sm">
            <summary className="cursor-pointer font-medium text-slate-700">Numbers per day</summary>
            <div className="mt-2">
              <DailyNumbersTable endpoint={endpoint} minLabelled={dashboard.minLabelled} />
            </div>
          </details>
          <p className="text-xs text-slate-500">
            The unknown share counts days the prediction log still holds in full (from{" "}
            {formatDate(endpoint.capturedFrom)}) and older days counted before retention dropped them; other days show
            none.
          </p>
        </>
      )}
    </section>
  );
}
