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
import { EndpointFilters } from "@/components/endpoints/endpoint-filters";
import {
  applyEndpointListChange,
  parseEndpointListParams,
  serializeEndpointListParams,
  type EndpointListParams,
} from "@/components/endpoints/endpoint-list-params";
import { EndpointsTable } from "@/components/endpoints/endpoints-table";

const PAGE_SIZE = 25;

/** What serves where: every endpoint, its variants and weights, and how its latest deployment went. */
export function EndpointsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useUrlState(parseEndpointListParams, serializeEndpointListParams);
  const update = useCallback(
    (change: Partial<EndpointListParams>, mode: HistoryMode = "push") =>
      setParams((current) => applyEndpointListChange(current, change), mode),
    [setParams],
  );
  const list = useQuery({
    ...trpc.endpoints.list.queryOptions(
      {
        search: params.q || undefined,
        environment: params.env || undefined,
        target: params.target || undefined,
        page: params.page,
        pageSize: PAGE_SIZE,
      },
      { refetchInterval: 10_000 },
    ),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(params.q || params.env || params.target);

  return (
    <>
      <PageHeader
        title="Endpoints"
        description="What serves where: each endpoint's versions, their traffic share and what they run on."
      />
      <EndpointFilters params={params} onChange={update} />
      {list.isPending ? (
        <LoadingState label="Loading endpoints…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.total === 0 ? (
        filtered ? (
          <EmptyState
            title="No endpoints match"
            description="No endpoint matches this search and these filters."
            action={
              <Button variant="secondary" size="sm" onClick={() => update({ q: "", env: "", target: "" })}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="No endpoints yet"
            description="An endpoint appears when a promoted version is first deployed. Open a model version and choose Promote."
          />
        )
      ) : list.data.items.length === 0 ? (
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
          aria-busy={list.isFetching}
          className={list.isPlaceholderData ? "opacity-70 transition-opacity" : undefined}
        >
          <EndpointsTable rows={list.data.items} />
          <Pagination
            page={params.page}
            pageSize={PAGE_SIZE}
            total={list.data.total}
            onPageChange={(page) => update({ page })}
          />
        </div>
      )}
    </>
  );
}
