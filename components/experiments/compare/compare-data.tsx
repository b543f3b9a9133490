"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ui/error-state";
import type { CompareState } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { CompareSkeleton } from "@/components/experiments/compare/compare-skeleton";
import { CompareView } from "@/components/experiments/compare/compare-view";
import type { UrlStateUpdate } from "@/lib/use-url-state";

/** Loads the comparison; keeps showing the previous one while a new metric selection loads. */
export function CompareData({ state, update }: { state: CompareState; update: UrlStateUpdate<CompareState> }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.experiments.compare.queryOptions(
      {
        runIds: state.runIds,
        metricKeys: state.metrics.length > 0 ? state.metrics : undefined,
        curves: false,
      },
      { placeholderData: keepPreviousData, staleTime: 60_000 },
    ),
  );
  if (query.isPending) return <CompareSkeleton />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <CompareView data={query.data} state={state} update={update} refreshing={query.isPlaceholderData} />;
}
