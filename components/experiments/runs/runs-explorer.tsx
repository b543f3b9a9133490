"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { defaultColumnIds, nextSort, resolveColumns } from "@/components/experiments/shared/columns";
import {
  DEFAULT_RUN_SORT,
  parseRunsTableState,
  RUN_PAGE_SIZE,
  serializeRunsTableState,
} from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { CompareAllButton } from "@/components/experiments/runs/compare-all-button";
import { CompareBar } from "@/components/experiments/runs/compare-bar";
import { RunsColumnPicker } from "@/components/experiments/runs/runs-column-picker";
import { RunsFilterInput } from "@/components/experiments/runs/runs-filter-input";
import { RunsTableFooter } from "@/components/experiments/runs/runs-table-footer";
import { RunsTable } from "@/components/experiments/runs/runs-table";
import { useUrlState } from "@/lib/use-url-state";

type Props = { experimentId: string; metricKeys: string[]; paramKeys: string[] };

/** A run whose sort key changed between two pages can come on both: it is listed once. */
function uniqueRuns<T extends { id: string }>(runs: T[]): T[] {
  const seen = new Set<string>();
  return runs.filter((run) => !seen.has(run.id) && Boolean(seen.add(run.id)));
}

/**
 * Filter, sort and pick runs of one experiment; every choice lives in the URL. The table reads pages with the
 * server's cursor as it scrolls and renders only the rows in view.
 */
export function RunsExplorer({ experimentId, metricKeys, paramKeys }: Props) {
  const trpc = useTRPC();
  const [state, update] = useUrlState(parseRunsTableState, serializeRunsTableState);
  const runs = useInfiniteQuery(
    trpc.experiments.runs.infiniteQueryOptions(
      {
        experimentId,
        filter: state.filter || undefined,
        sortBy: state.sortBy,
        sortDir: state.sortDir,
        pageSize: RUN_PAGE_SIZE,
      },
      {
        getNextPageParam: (page) => page.nextCursor ?? undefined,
        placeholderData: keepPreviousData,
        // A refetch reads every loaded page again, one after another: not on every return to the tab or the page.
        refetchOnWindowFocus: false,
        refetchOnMount: false,
        refetchOnReconnect: false,
      },
    ),
  );
  const loaded = useMemo(() => uniqueRuns(runs.data?.pages.flatMap((page) => page.items) ?? []), [runs.data]);
  const total = runs.data?.pages[0]?.total ?? 0;
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = runs;
  // After a failed page, only the footer's button asks again: scrolling must not retry in a loop.
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage && !isFetchNextPageError) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage]);

  const columns = useMemo(
    () => resolveColumns(state.columns, metricKeys, paramKeys),
    [state.columns, metricKeys, paramKeys],
  );
  const chosenIds = useMemo(() => state.columns ?? defaultColumnIds(metricKeys), [state.columns, metricKeys]);
  const sort = useMemo(() => ({ sortBy: state.sortBy, sortDir: state.sortDir }), [state.sortBy, state.sortDir]);
  const onSort = useCallback((columnId: string) => update((current) => nextSort(current, columnId)), [update]);
  const onSelectionChange = useCallback((selected: string[]) => update({ selected }, "replace"), [update]);

  // A bad filter is a BAD_REQUEST that names the filter; other errors (a stale sort in a link) go to ErrorState.
  // A failed next page or refetch keeps the rows already read; the table's footer reports it.
  const failed = runs.isError && !runs.data;
  const filterError =
    failed && runs.error.data?.code === "BAD_REQUEST" && state.filter && /filter/i.test(runs.error.message)
      ? runs.error.message
      : null;

  return (
    <div className="space-y-4 pb-24">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-80 flex-1">
          <RunsFilterInput value={state.filter} error={filterError} onApply={(filter) => update({ filter })} />
        </div>
        <div className="flex items-center gap-2 pt-6">
          <RunsColumnPicker
            metricKeys={metricKeys}
            paramKeys={paramKeys}
            chosen={chosenIds}
            onChange={(next) => update({ columns: next }, "replace")}
            onReset={() => update({ columns: null }, "replace")}
          />
        </div>
      </div>

      {runs.isPending && <LoadingState label="Loading runs…" />}
      {failed && !filterError && (
        <div className="space-y-2">
          <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
          {runs.error.data?.code === "BAD_REQUEST" && (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => update({ filter: "", sortBy: DEFAULT_RUN_SORT, sortDir: "desc" })}
            >
              Reset filter and sorting
            </Button>
          )}
        </div>
      )}
      {filterError && (
        <EmptyState title="No runs shown" description="Fix the filter expression above, or clear it, to see runs." />
      )}
      {runs.data && !failed && loaded.length === 0 && (
        <EmptyState
          title={state.filter ? "No runs match this filter" : "No runs yet"}
          description={
            state.filter
              ? "Loosen the filter or clear it to see every run."
              : "Runs appear here when a pipeline logs them through the API or the modelport CLI."
          }
        />
      )}
      {runs.data && !failed && loaded.length > 0 && (
        <div
          className={runs.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}
          aria-busy={runs.isFetching}
        >
          <RunsTable
            key={`${state.sortBy}|${state.sortDir}|${state.filter}`}
            experimentId={experimentId}
            runs={loaded}
            total={Math.max(total, loaded.length)}
            valueColumns={columns}
            sort={sort}
            onSort={onSort}
            selected={state.selected}
            onSelectionChange={onSelectionChange}
            onNearEnd={onNearEnd}
            footer={
              <RunsTableFooter
                loaded={loaded.length}
                total={total}
                hasMore={runs.hasNextPage}
                loadingMore={runs.isFetchingNextPage}
                loadMoreError={runs.isError ? runs.error : null}
                onLoadMore={() => void runs.fetchNextPage()}
                onRetry={() =>
                  void (runs.isFetchNextPageError && runs.error.data?.code !== "BAD_REQUEST"
                    ? runs.fetchNextPage()
                    : runs.refetch())
                }
              />
            }
          />
        </div>
      )}
      {(state.selected.length > 0 || loaded.length > 0) && (
        <CompareBar
          selected={state.selected}
          onClear={() => update({ selected: [] }, "replace")}
          compareAll={
            // While another filter loads, the total is the previous one's: no button that would mislabel it.
            total >= 2 &&
            !runs.isPlaceholderData && (
              <CompareAllButton
                view={{ experimentId, filter: state.filter, sortBy: state.sortBy, sortDir: state.sortDir }}
                total={total}
              />
            )
          }
        />
      )}
    </div>
  );
}
