"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { Pagination } from "@/components/ui/pagination";
import { defaultColumnIds, nextSort, resolveColumns } from "@/components/experiments/shared/columns";
import { DEFAULT_RUN_SORT, parseRunsTableState, serializeRunsTableState } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { CompareBar } from "@/components/experiments/runs/compare-bar";
import { RunsColumnPicker } from "@/components/experiments/runs/runs-column-picker";
import { RunsFilterInput } from "@/components/experiments/runs/runs-filter-input";
import { RunsPageSize } from "@/components/experiments/runs/runs-page-size";
import { RunsTable } from "@/components/experiments/runs/runs-table";
import { useUrlState } from "@/lib/use-url-state";

type Props = { experimentId: string; metricKeys: string[]; paramKeys: string[] };

/** Filter, sort, page and pick runs of one experiment; every choice lives in the URL. */
export function RunsExplorer({ experimentId, metricKeys, paramKeys }: Props) {
  const trpc = useTRPC();
  const [state, update] = useUrlState(parseRunsTableState, serializeRunsTableState);
  const runs = useQuery(
    trpc.experiments.runs.queryOptions(
      {
        experimentId,
        filter: state.filter || undefined,
        sortBy: state.sortBy,
        sortDir: state.sortDir,
        page: state.page,
        pageSize: state.pageSize,
      },
      { placeholderData: keepPreviousData },
    ),
  );

  const columns = useMemo(
    () => resolveColumns(state.columns, metricKeys, paramKeys),
    [state.columns, metricKeys, paramKeys],
  );
  const chosenIds = useMemo(() => state.columns ?? defaultColumnIds(metricKeys), [state.columns, metricKeys]);
  const sort = useMemo(() => ({ sortBy: state.sortBy, sortDir: state.sortDir }), [state.sortBy, state.sortDir]);
  const onSort = useCallback(
    (columnId: string) => update((current) => ({ ...nextSort(current, columnId), page: 1 })),
    [update],
  );
  const onSelectionChange = useCallback((selected: string[]) => update({ selected }, "replace"), [update]);

  // A bad filter is a BAD_REQUEST that names the filter; other errors (a stale sort in a link) go to ErrorState.
  const filterError =
    runs.isError && runs.error.data?.code === "BAD_REQUEST" && state.filter && /filter/i.test(runs.error.message)
      ? runs.error.message
      : null;

  return (
    <div className="space-y-4 pb-24">
      <div className="flex flex-wrap items-start gap-3">
        <div className="min-w-80 flex-1">
          <RunsFilterInput value={state.filter} error={filterError} onApply={(filter) => update({ filter, page: 1 })} />
        </div>
        <div className="flex items-center gap-2 pt-6">
          <RunsColumnPicker
            metricKeys={metricKeys}
            paramKeys={paramKeys}
            chosen={chosenIds}
            onChange={(next) => update({ columns: next }, "replace")}
            onReset={() => update({ columns: null }, "replace")}
          />
          <RunsPageSize value={state.pageSize} onChange={(pageSize) => update({ pageSize, page: 1 })} />
        </div>
      </div>

      {runs.isPending && <LoadingState label="Loading runs…" />}
      {runs.isError && !filterError && (
        <div className="space-y-2">
          <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
          {runs.error.data?.code === "BAD_REQUEST" && (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => update({ filter: "", sortBy: DEFAULT_RUN_SORT, sortDir: "desc", page: 1 })}
            >
              Reset filter and sorting
            </Button>
          )}
        </div>
      )}
      {filterError && (
        <EmptyState title="No runs shown" description="Fix the filter expression above, or clear it, to see runs." />
      )}
      {runs.data && !runs.isError && runs.data.total === 0 && (
        <EmptyState
          title={state.filter ? "No runs match this filter" : "No runs yet"}
          description={
            state.filter
              ? "Loosen the filter or clear it to see every run."
              : "Runs appear here when a pipeline logs them through the API or the modelport CLI."
          }
        />
      )}
      {runs.data && !runs.isError && runs.data.total > 0 && runs.data.items.length === 0 && (
        <EmptyState
          title={`Page ${state.page} is past the end`}
          action={
            <Button variant="secondary" size="sm" onClick={() => update({ page: 1 })}>
              Go to the first page
            </Button>
          }
        />
      )}
      {runs.data && !runs.isError && runs.data.items.length > 0 && (
        <div
          className={runs.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}
          aria-busy={runs.isFetching}
        >
          <RunsTable
            experimentId={experimentId}
            runs={runs.data.items}
            valueColumns={columns}
            sort={sort}
            onSort={onSort}
            selected={state.selected}
            onSelectionChange={onSelectionChange}
          />
          <Pagination
            page={state.page}
            pageSize={state.pageSize}
            total={runs.data.total}
            onPageChange={(page) => update({ page })}
          />
        </div>
      )}
      {(state.selected.length > 0 || (runs.data?.total ?? 0) > 0) && (
        <CompareBar selected={state.selected} onClear={() => update({ selected: [] }, "replace")} />
      )}
    </div>
  );
}
