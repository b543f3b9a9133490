"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { useTRPC } from "@/trpc/react";
import { useUrlState, type HistoryMode } from "@/lib/use-url-state";
import { ModelFilters } from "@/components/registry/model-filters";
import {
  applyModelListChange,
  parseModelListParams,
  serializeModelListParams,
  toggleSort,
  type ModelListParams,
  type ModelSort,
} from "@/components/registry/model-list-params";
import { ModelsTable } from "@/components/registry/models-table";
import { NewModelDialog } from "@/components/registry/new-model-dialog";
import { useCan } from "@/lib/use-can";

const PAGE_SIZE = 25;

function listInput(params: ModelListParams) {
  return {
    search: params.q || undefined,
    team: params.team || undefined,
    taskType: params.task || undefined,
    tag: params.tag || undefined,
    sort: params.sort,
    order: params.order,
    page: params.page,
    pageSize: PAGE_SIZE,
  };
}

export function ModelsPage() {
  const trpc = useTRPC();
  const canWrite = useCan("models:write");
  const [params, setParams] = useUrlState(parseModelListParams, serializeModelListParams);
  // Typing replaces the history entry, other changes push one; any change but paging goes back to page 1.
  const update = useCallback(
    (change: Partial<ModelListParams>, mode: HistoryMode = "push") =>
      setParams((current) => applyModelListChange(current, change), mode),
    [setParams],
  );
  const models = useQuery({ ...trpc.registry.list.queryOptions(listInput(params)), placeholderData: keepPreviousData });
  const onSort = useCallback((sort: ModelSort) => update(toggleSort(params, sort)), [params, update]);
  const onTag = useCallback((tag: string) => update({ tag: tag === params.tag ? "" : tag }), [params.tag, update]);
  const filtered = Boolean(params.q || params.team || params.task || params.tag);

  return (
    <>
      <PageHeader
        title="Models"
        description="Every registered model, its latest version and where its aliases point."
        actions={canWrite && <NewModelDialog />}
      />
      <ModelFilters params={params} onChange={update} />
      {models.isPending ? (
        <LoadingState label="Loading models…" />
      ) : models.isError ? (
        <ErrorState error={models.error} onRetry={() => void models.refetch()} />
      ) : models.data.total === 0 ? (
        filtered ? (
          <EmptyState
            title="No models match"
            description="Nothing matches this search and these filters."
            action={
              <Button variant="secondary" size="sm" onClick={() => update({ q: "", team: "", task: "", tag: "" })}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="No models yet"
            description={
              canWrite
                ? "Create one with “New model”, or let a pipeline call POST /api/v1/models."
                : "Models appear here once a data scientist or pipeline registers them."
            }
          />
        )
      ) : models.data.items.length === 0 ? (
        <EmptyState
          title="This page is past the end"
          action={
            <Button variant="secondary" size="sm" onClick={() => update({ page: 1 })}>
              Go to the first page
            </Button>
          }
        />
      ) : (
        <div
          aria-busy={models.isFetching}
          className={models.isPlaceholderData ? "opacity-70 transition-opacity" : undefined}
        >
          <ModelsTable rows={models.data.items} params={params} onSort={onSort} onTag={onTag} />
          <Pagination
            page={params.page}
            pageSize={PAGE_SIZE}
            total={models.data.total}
            onPageChange={(page) => update({ page })}
          />
        </div>
      )}
    </>
  );
}
