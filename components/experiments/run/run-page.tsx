"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { compareHref } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { RunArtifacts } from "@/components/experiments/run/run-artifacts";
import { RunHeader } from "@/components/experiments/run/run-header";
import { RunMetricsTable } from "@/components/experiments/run/run-metrics-table";
import { RunParamsTable } from "@/components/experiments/run/run-params-table";
import { RunVersions } from "@/components/experiments/run/run-versions";

export function RunPage({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery(trpc.experiments.run.queryOptions({ runId }));

  if (run.isPending) return <LoadingState label="Loading run…" />;
  if (run.isError) return <ErrorState error={run.error} onRetry={() => void run.refetch()} />;
  const r = run.data;
  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1 text-sm text-slate-500">
        <Link href="/experiments" className="hover:text-indigo-700 hover:underline">
          Experiments
        </Link>
        <span aria-hidden>/</span>
        <Link href={`/experiments/${r.experimentId}`} className="hover:text-indigo-700 hover:underline">
          {r.experimentName}
        </Link>
        <span aria-hidden>/</span>
        <span aria-current="page" className="text-slate-700">
          {r.name}
        </span>
      </nav>
      <RunHeader run={r} />
      <div className="grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <RunMetricsTable runId={r.id} series={r.metricSeries} />
        <RunParamsTable params={r.params} />
      </div>
      <div className="grid gap-6 xl:grid-cols-2">
        <RunArtifacts artifacts={r.artifacts} />
        <RunVersions versions={r.versions} />
      </div>
      <p className="text-sm text-slate-500">
        Compare this run with others from the{" "}
        <Link href={`/experiments/${r.experimentId}`} className="text-indigo-700 underline underline-offset-2">
          runs table
        </Link>{" "}
        or open it{" "}
        <Link href={compareHref([r.id])} className="text-indigo-700 underline underline-offset-2">
          in the compare view
        </Link>
        .
      </p>
    </div>
  );
}
