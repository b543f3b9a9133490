"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { ErrorState } from "@/components/ui/error-state";
import type { CompareState } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { CompareSkeleton } from "@/components/experiments/compare/compare-skeleton";
import { CompareView } from "@/components/experiments/compare/compare-view";
import { chartRequestWidth } from "@/components/experiments/compare/compare";
import { useCurveStream } from "@/components/experiments/compare/use-curve-stream";
import { withZoomDetail } from "@/components/experiments/compare/zoom-detail";
import { useElementWidth } from "@/components/experiments/charts/use-element-width";
import { MAX_CURVE_METRICS } from "@/contracts/curve-frames";
import type { UrlStateUpdate } from "@/lib/use-url-state";

const NO_METRICS: readonly string[] = [];

/** Charts sit two to a row from Tailwind's lg breakpoint on. */
const twoColumns = () => typeof window !== "undefined" && window.matchMedia("(min-width: 1024px)").matches;

type Props = {
  /** With a saved selection, `state.runIds` is unused: the selection names the runs. */
  state: CompareState;
  selection: string | null;
  update: UrlStateUpdate<CompareState>;
};

/**
 * Loads the comparison; keeps showing the previous one while a new metric selection loads. The curves stream starts
 * beside it as soon as the metrics are known: at once when the link names them, else from the comparison's choice.
 */
export function CompareData({ state, selection, update }: Props) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.experiments.compare.queryOptions(
      {
        // A saved selection is named by its id: a thousand ids would not fit the request's address.
        ...(selection === null ? { runIds: state.runIds } : { selection }),
        metricKeys: state.metrics.length > 0 ? state.metrics : undefined,
        curves: false,
      },
      { placeholderData: keepPreviousData, staleTime: 60_000 },
    ),
  );
  const [wrapper, width] = useElementWidth<HTMLDivElement>();
  const chosenMetrics = state.metrics.length > 0 ? state.metrics : query.data?.metricKeys;
  const metricKeys = useMemo(() => (chosenMetrics ?? []).slice(0, MAX_CURVE_METRICS), [chosenMetrics]);
  // The curves of a saved selection start with the comparison: their runs are named by position until it arrives.
  const source = selection === null ? { runIds: state.runIds } : { selection };
  // A selection's runs are known from its comparison, never from a previous request's kept on screen meanwhile.
  const selectionRuns = selection === null || query.isPlaceholderData ? undefined : query.data?.runs;
  const runIds = useMemo(
    () => (selection === null ? state.runIds : (selectionRuns?.map((run) => run.id) ?? [])),
    [selection, selectionRuns, state.runIds],
  );
  const chartWidth = chartRequestWidth(width, twoColumns());
  const whole = useCurveStream(source, runIds, metricKeys, chartWidth);
  // A zoomed chart asks for its range's own curves too: the whole curves have only a few points within it.
  const zoomed = useCurveStream(source, runIds, state.zoom === null ? NO_METRICS : metricKeys, chartWidth, state.zoom);
  const stream = useMemo(() => withZoomDetail(whole, state.zoom === null ? null : zoomed), [whole, zoomed, state.zoom]);
  return (
    <div ref={wrapper}>
      {query.isPending ? (
        <CompareSkeleton />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <CompareView
          data={query.data}
          state={state}
          update={update}
          refreshing={query.isPlaceholderData}
          stream={stream}
        />
      )}
    </div>
  );
}
