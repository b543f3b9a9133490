"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SearchInput } from "@/components/ui/search-input";
import {
  EXPERIMENT_PAGE_SIZE,
  parseExperimentListState,
  serializeExperimentListState,
} from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";
import { ExperimentsTable } from "@/components/experiments/list/experiments-table";
import { NewExperimentDialog } from "@/components/experiments/list/new-experiment-dialog";
import { useCan } from "@/lib/use-can";
import { useUrlState } from "@/lib/use-url-state";

export function ExperimentsList() {
  const trpc = useTRPC();
  const canWrite = useCan("experiments:write");
  const [state, update] = useUrlState(parseExperimentListState, serializeExperimentListState);
  const onSearch = useCallback((search: string) => update({ search, page: 1 }, "replace"), [update]);
  const query = useQuery(
    trpc.experiments.list.queryOptions(
      { search: state.search || undefined, page: state.page, pageSize: EXPERIMENT_PAGE_SIZE },
      { placeholderData: keepPreviousData },
    ),
  );

  return (
    <>
      <PageHeader
        title="Experiments"
        description="Training runs grouped by experiment, with their parameters, metrics and artifacts."
        actions={canWrite && <NewExperimentDialog />}
      />
      <div className="mb-4 max-w-md">
        <SearchInput
          value={state.search}
          onSearch={onSearch}
          label="Search experiments"
          placeholder="Search by name or description"
          testId="experiments-search"
        />
      </div>
      {query.isPending && <LoadingState label="Loading experiments…" />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.data && query.data.total === 0 && (
        <EmptyState
          title={state.search ? `No experiments match “${state.search}”` : "No experiments yet"}
          description={
            state.search
              ? "Try a shorter or different search."
              : "Experiments appear here when a pipeline logs its first run or someone creates one."
          }
        />
      )}
      {query.data && query.data.total > 0 && query.data.items.length === 0 && (
        <EmptyState
          title={`Page ${state.page} is past the end`}
          action={
            <Button variant="secondary" size="sm" onClick={() => update({ page: 1 })}>
              Go to the first page
            </Button>
          }
        />
      )}
      {query.data && query.data.items.length > 0 && (
        <div
          className={query.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}
          aria-busy={query.isFetching}
        >
          <ExperimentsTable experiments={query.data.items} />
          <Pagination
            page={state.page}
            pageSize={EXPERIMENT_PAGE_SIZE}
            total={query.data.total}
            onPageChange={(page) => update({ page })}
          />
        </div>
      )}
    </>
  );
}
