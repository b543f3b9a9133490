"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { AB_TEST_STATUSES } from "@/contracts/abtests";
import { AB_STATUS_LABELS } from "@/components/abtests/ab-test-status-badge";
import { newAbTestHref } from "@/components/abtests/ab-test-format";
import { parseAbTestListParams, serializeAbTestListParams } from "@/components/abtests/ab-test-list-params";
import { AbTestsTable } from "@/components/abtests/ab-tests-table";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import { useUrlState } from "@/lib/use-url-state";
import { useTRPC } from "@/trpc/react";

const LINK_BUTTON =
  "inline-flex items-center rounded-md bg-indigo-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-indigo-500";

/** Every A/B test, newest first: filter by status, search by test, endpoint or model; a shareable link. */
export function AbTestsPage({ canSetUp }: { canSetUp: boolean }) {
  const trpc = useTRPC();
  const [params, setParams] = useUrlState(parseAbTestListParams, serializeAbTestListParams);
  const list = useInfiniteQuery({
    ...trpc.abTests.list.infiniteQueryOptions(
      { status: params.status || undefined, search: params.q || undefined, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchInterval: 15_000 },
    ),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const filtered = Boolean(params.status || params.q);
  return (
    <>
      <PageHeader
        title="A/B tests"
        description="Champions against challengers on live traffic, each with its pre-registered plan."
        actions={
          canSetUp && (
            <Link href={newAbTestHref()} className={LINK_BUTTON} data-testid="new-ab-test">
              Set up a test
            </Link>
          )
        }
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SearchInput
          value={params.q}
          onSearch={(q) => setParams({ q })}
          label="Search tests"
          placeholder="Test, endpoint or model"
          testId="ab-tests-search"
          className="w-72"
        />
        <label className="text-sm text-slate-700">
          <span className="mb-1 block font-medium">Status</span>
          <Select
            value={params.status}
            onChange={(event) => setParams({ status: AB_TEST_STATUSES.find((s) => s === event.target.value) ?? "" })}
            data-testid="ab-tests-status"
          >
            <option value="">Any</option>
            {AB_TEST_STATUSES.map((status) => (
              <option key={status} value={status}>
                {AB_STATUS_LABELS[status]}
              </option>
            ))}
          </Select>
        </label>
      </div>
      {list.isPending ? (
        <LoadingState label="Loading A/B tests…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No tests match"
            action={
              <Button variant="secondary" size="sm" onClick={() => setParams({ q: "", status: "" })}>
                Clear filters
              </Button>
            }
          />
        ) : (
          <EmptyState
            title="No A/B tests yet"
            description="Set one up from an endpoint: its serving version is the champion, other versions of the model are the challengers."
          />
        )
      ) : (
        <div
          aria-busy={list.isFetching}
          className={list.isPlaceholderData ? "opacity-70 transition-opacity" : undefined}
        >
          <AbTestsTable rows={rows} />
          {list.hasNextPage && (
            <div className="mt-3 flex justify-center">
              <Button
                variant="secondary"
                size="sm"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
              >
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </Button>
            </div>
          )}
        </div>
      )}
    </>
  );
}
