"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { endpointHref } from "@/components/endpoints/endpoint-list-params";
import { formatDate } from "@/lib/format";
import { AbAnalysisSection } from "@/components/abtests/ab-analysis-section";
import { AbTestStatusBadge } from "@/components/abtests/ab-test-status-badge";
import { AbTestControls } from "@/components/abtests/ab-test-controls";
import { AbTestTrafficBanner } from "@/components/abtests/ab-test-traffic-banner";
import { metricLabel } from "@/components/abtests/ab-test-format";
import { PreRegistrationSummary } from "@/components/abtests/pre-registration-card";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useTRPC } from "@/trpc/react";

/** One A/B test: where it runs, its arms, its pre-registered plan and its metrics. */
export function AbTestDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.abTests.get.queryOptions(
      { testId: id },
      // While traffic moves, poll fast enough to show it settle; otherwise the analysis job's pace is enough.
      { refetchInterval: (current) => (current.state.data?.pendingStatus ? 1_500 : 15_000) },
    ),
  );
  if (query.isPending) return <LoadingState label="Loading the A/B test…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const test = query.data;
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {test.name} <AbTestStatusBadge status={test.status} />
          </span>
        }
        actions={<AbTestControls test={test} />}
        description={
          <>
            On{" "}
            <Link href={endpointHref(test.endpoint.id)} className="text-indigo-700 hover:underline">
              {test.endpoint.name}
            </Link>{" "}
            ({test.model.name}, {test.endpoint.environment.toLowerCase()}) · set up by {test.createdBy.name} on{" "}
            {formatDate(test.createdAt)} ·{" "}
            {test.assignment === "STICKY" ? "sticky on the caller's routing key" : "assigned per request"}
          </>
        }
      />
      <AbTestTrafficBanner test={test} />
      <AbAnalysisSection test={test} />
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Pre-registration" className="min-w-0 lg:col-span-2">
          <PreRegistrationSummary plan={test.preRegistration} arms={test.arms} />
        </Card>
        <Card title="Other metrics" className="min-w-0">
          {test.metrics.length === 0 ? (
            <p className="text-sm text-slate-500">Only the primary metric.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="ab-test-metrics">
              {test.metrics.map((metric) => (
                <li key={metric.key} className="flex justify-between gap-2">
                  <span>{metricLabel(metric.key)}</span>
                  <span className="text-xs text-slate-500">
                    {metric.role === "GUARDRAIL" ? "guardrail" : "secondary"}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
