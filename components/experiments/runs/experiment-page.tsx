"use client";

import { useQuery } from "@tanstack/react-query";
import { IntentLink } from "@/components/ui/intent-link";
import { DemoBadge } from "@/components/ui/demo-badge";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { RunsExplorer } from "@/components/experiments/runs/runs-explorer";

export function ExperimentPage({ experimentId }: { experimentId: string }) {
  const trpc = useTRPC();
  const experiment = useQuery(trpc.experiments.get.queryOptions({ id: experimentId }));

  if (experiment.isPending) return <LoadingState label="Loading experiment…" />;
  if (experiment.isError) return <ErrorState error={experiment.error} onRetry={() => void experiment.refetch()} />;
  const e = experiment.data;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <IntentLink href="/experiments" className="hover:text-indigo-700 hover:underline">
          Experiments
        </IntentLink>
        <span aria-hidden> / </span>
        <span aria-current="page" className="text-slate-700">
          {e.name}
        </span>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {e.name}
            {e.isDemo && <DemoBadge />}
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-4 gap-y-1">
            {e.description && <span className="basis-full text-slate-600">{e.description}</span>}
            <span>{e.runCount.toLocaleString()} runs</span>
            {e.teamName && <span>Team {e.teamName}</span>}
            <span>Created {formatDateTime(e.createdAt)}</span>
          </span>
        }
      />
      <RunsExplorer experimentId={e.id} metricKeys={e.metricKeys} paramKeys={e.paramKeys} />
    </>
  );
}
