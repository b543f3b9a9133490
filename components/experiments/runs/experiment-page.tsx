"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useTRPC } from "@/trpc/react";
import { ExperimentHeader } from "@/components/experiments/runs/experiment-header";
import { RunsExplorer } from "@/components/experiments/runs/runs-explorer";

const NO_KEYS: string[] = [];

export function ExperimentPage({ experimentId }: { experimentId: string }) {
  const trpc = useTRPC();
  const experiment = useQuery(trpc.experiments.get.queryOptions({ id: experimentId }));

  if (experiment.isError) return <ErrorState error={experiment.error} onRetry={() => void experiment.refetch()} />;
  const e = experiment.data;
  // The runs are asked for beside the experiment rather than after it; its keys add their columns once they arrive.
  return (
    <>
      {e ? <ExperimentHeader experiment={e} /> : <LoadingState label="Loading experiment…" />}
      <RunsExplorer
        experimentId={experimentId}
        metricKeys={e?.metricKeys ?? NO_KEYS}
        paramKeys={e?.paramKeys ?? NO_KEYS}
      />
    </>
  );
}
