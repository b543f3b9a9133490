"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { RangePicker } from "@/components/ui/range-picker";
import { Select } from "@/components/ui/select";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { LATENCY_RANGE_KEYS } from "@/contracts/latency-ranges";
import { FAST_BURN } from "@/contracts/slo-rules";
import { LatencyChart } from "@/components/latency/latency-chart";
import { formatRate, formatRatio, formatSeconds } from "@/components/latency/latency-format";
import { LatencySloCards } from "@/components/latency/latency-slo-cards";
import { LatencyTable } from "@/components/latency/latency-table";
import { parseLatencyState, serializeLatencyState } from "@/components/latency/latency-url";

/** Latency, traffic and errors per endpoint and variant, measured by Prometheus from the model runtime's metrics. */
export function LatencyPage() {
  const trpc = useTRPC();
  const [{ range, endpoint }, update] = useUrlState(parseLatencyState, serializeLatencyState);
  const dashboard = useQuery({
    ...trpc.latency.dashboard.queryOptions({ range, endpoint: endpoint || undefined }, { refetchInterval: 15_000 }),
    placeholderData: keepPreviousData,
  });
  const all = useQuery(trpc.latency.dashboard.queryOptions({ range }, { enabled: endpoint !== "" }));
  const endpoints = [
    ...new Set([
      ...(endpoint ? [endpoint] : []),
      ...((endpoint ? all.data : dashboard.data)?.rows ?? []).map((r) => r.endpoint),
    ]),
  ].sort();

  return (
    <>
      <PageHeader
        title="Latency and traffic"
        description="Measured by Prometheus from the model runtime. Errors are server errors (5xx); requests the runtime rejected as invalid (4xx) are the caller's and shown apart."
        actions={
          <>
            <Select aria-label="Endpoint" value={endpoint} onChange={(e) => update({ endpoint: e.target.value })}>
              <option value="">All endpoints</option>
              {endpoints.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </Select>
            <RangePicker ranges={LATENCY_RANGE_KEYS} value={range} onChange={(next) => update({ range: next })} />
          </>
        }
      />
      {dashboard.isPending ? (
        <LoadingState label="Querying Prometheus…" />
      ) : dashboard.isError ? (
        <ErrorState
          error={{
            message:
              dashboard.error.data?.code === "SERVICE_UNAVAILABLE"
                ? `Prometheus is unreachable, so nothing can be shown. ${dashboard.error.message}`
                : dashboard.error.message,
          }}
          onRetry={() => void dashboard.refetch()}
        />
      ) : dashboard.data.rows.length === 0 ? (
        <EmptyState
          title="No traffic measured in this range"
          description={`Prometheus has no prediction requests${endpoint ? ` for ${endpoint}` : ""} in the last ${range}. Send predictions to an endpoint, or choose a longer range.`}
        />
      ) : (
        <div className="space-y-6">
          <p className="text-xs text-slate-500" data-testid="latency-as-of">
            {formatDateTime(dashboard.data.start)} – {formatDateTime(dashboard.data.end)} · one point every{" "}
            {dashboard.data.stepSeconds} s · request counts are Prometheus&apos;s increase() over the range,
            extrapolated to its edges; requests before a series&apos; first scrape are not counted
          </p>
          <LatencyTable dashboard={dashboard.data} />
          <div className="grid gap-4 lg:grid-cols-2">
            <LatencyChart
              title="p50 latency"
              metric="p50"
              dashboard={dashboard.data}
              format={formatSeconds}
              emptyMax={0.01}
            />
            <LatencyChart
              title="p95 latency"
              metric="p95"
              dashboard={dashboard.data}
              format={formatSeconds}
              emptyMax={0.01}
            />
            <LatencyChart
              title="p99 latency"
              metric="p99"
              dashboard={dashboard.data}
              format={formatSeconds}
              emptyMax={0.01}
            />
            <LatencyChart
              title="Requests per second"
              metric="rps"
              dashboard={dashboard.data}
              format={formatRate}
              emptyMax={1}
            />
            <LatencyChart
              title="Error rate (5xx)"
              metric="errorRatio"
              dashboard={dashboard.data}
              format={formatRatio}
              emptyMax={0.01}
            />
          </div>
          <section aria-labelledby="slo-heading" className="space-y-3">
            <h2 id="slo-heading" className="text-lg font-semibold text-slate-900">
              SLO
            </h2>
            <p className="text-sm text-slate-500">
              Each endpoint is held to its own objective, set on its page: p99 over the last hour under its target, and
              a share of requests without a server error. Endpoints the portal does not know get the default (p99 under{" "}
              {formatSeconds(dashboard.data.slo.defaults.p99Ms / 1000)},{" "}
              {formatRatio(dashboard.data.slo.defaults.availability)}). Burn rate = the window&apos;s server-error ratio
              (the PromQL on each value) ÷ the endpoint&apos;s error budget (1 − objective); 1 spends the budget exactly
              over 30 days, {FAST_BURN} over 1 h raises a critical alert.
            </p>
            <LatencySloCards slo={dashboard.data.slo} />
          </section>
          <details className="text-xs text-slate-600">
            <summary className="cursor-pointer font-medium">PromQL behind these numbers</summary>
            <ul className="mt-2 space-y-1 font-mono">
              {Object.entries(dashboard.data.queries.summary).map(([name, promql]) => (
                <li key={name}>
                  <span className="text-slate-500">{name}:</span> {promql}
                </li>
              ))}
            </ul>
          </details>
        </div>
      )}
    </>
  );
}
