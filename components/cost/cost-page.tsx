"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { RangePicker } from "@/components/ui/range-picker";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { COST_RANGE_KEYS } from "@/contracts/cost-ranges";
import { BudgetsCard } from "@/components/cost/budgets-card";
import { CostCards } from "@/components/cost/cost-cards";
import { CostTable } from "@/components/cost/cost-table";
import { CostPerPredictionChart, CostTrendChart } from "@/components/cost/cost-trend-chart";
import { parseCostState, serializeCostState } from "@/components/cost/cost-url";
import { UnmeasuredPredictionsNotice } from "@/components/cost/unmeasured-predictions-notice";

type QueryError = { message: string; data?: { code?: string } | null };

const describeError = (error: QueryError) => ({
  message:
    error.data?.code === "SERVICE_UNAVAILABLE"
      ? `Prometheus is unreachable, so no cost can be measured. ${error.message}`
      : error.message,
});

/** Cost per endpoint, model and team: instances measured by Prometheus × the price table, and budgets. */
export function CostPage() {
  const trpc = useTRPC();
  const [{ range }, update] = useUrlState(parseCostState, serializeCostState);
  const overview = useQuery({
    ...trpc.cost.overview.queryOptions({ range }, { refetchInterval: 60_000 }),
    placeholderData: keepPreviousData,
  });
  const trend = useQuery({
    ...trpc.cost.trend.queryOptions({ range }, { refetchInterval: 60_000 }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader
        title="Cost"
        description="Instance-seconds measured by Prometheus from the local runtime's instance gauge and the SageMaker and Kubernetes instance counts read from the targets, priced from the admin price table; each endpoint's predictions counted on its own target (runtime counters, Kubernetes pods' counters, SageMaker's CloudWatch Invocations)."
        actions={<RangePicker ranges={COST_RANGE_KEYS} value={range} onChange={(next) => update({ range: next })} />}
      />
      {overview.isPending ? (
        <LoadingState label="Querying Prometheus…" />
      ) : overview.isError ? (
        <ErrorState error={describeError(overview.error)} onRetry={() => void overview.refetch()} />
      ) : !overview.data.measured || !overview.data.total ? (
        <EmptyState
          title="Nothing measured in this range"
          description={`Prometheus has no instance gauges or predictions in the last ${range}. Deploy a model to an endpoint, or choose a longer range.`}
        />
      ) : (
        <div className="space-y-6">
          <p className="text-xs text-slate-500" data-testid="cost-window">
            {formatDateTime(overview.data.window.start)} – {formatDateTime(overview.data.window.end)} · instances
            sampled every {overview.data.window.stepSeconds} s
          </p>
          <CostCards total={overview.data.total} range={range} />
          <UnmeasuredPredictionsNotice predictions={overview.data.predictions} />
          {trend.isError ? (
            <ErrorState error={describeError(trend.error)} onRetry={() => void trend.refetch()} />
          ) : trend.data ? (
            <div className="grid gap-4 lg:grid-cols-2">
              <CostTrendChart trend={trend.data} />
              <CostPerPredictionChart trend={trend.data} />
            </div>
          ) : (
            <LoadingState label="Loading trends…" />
          )}
          <section className="space-y-3">
            <h2 className="text-lg font-semibold text-slate-900">By target</h2>
            <CostTable caption="Target" rows={overview.data.byTarget} testId="cost-by-target" />
            <h2 className="text-lg font-semibold text-slate-900">By team</h2>
            <CostTable caption="Team" rows={overview.data.byTeam} testId="cost-by-team" />
            <h2 className="text-lg font-semibold text-slate-900">By model</h2>
            <CostTable caption="Model" rows={overview.data.byModel} testId="cost-by-model" />
            <h2 className="text-lg font-semibold text-slate-900">By endpoint</h2>
            <CostTable
              caption="Endpoint"
              rows={overview.data.byEndpoint}
              testId="cost-by-endpoint"
              showOwner
              showTarget
            />
          </section>
          <details className="text-xs text-slate-600">
            <summary className="cursor-pointer font-medium">PromQL behind these numbers</summary>
            <ul className="mt-2 space-y-1 font-mono" data-testid="cost-promql">
              {[...overview.data.promql, ...(trend.data?.promql ?? [])].map((q) => (
                <li key={q.label} data-query={q.promql} data-time={q.time.toISOString()}>
                  <span className="text-slate-500">
                    {q.label} (at {q.time.toISOString()}):
                  </span>{" "}
                  {q.promql}
                </li>
              ))}
            </ul>
          </details>
        </div>
      )}
      <div className="mt-6">
        <BudgetsCard />
      </div>
    </>
  );
}
