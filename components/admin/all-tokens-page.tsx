"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { TokensTable } from "@/components/settings/tokens-table";

const STATUSES = ["active", "expired", "revoked"] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (value: string): value is Status => (STATUSES as readonly string[]).includes(value);

/** Everyone's API tokens, for admins: find a leaked or forgotten one and revoke it. */
export function AllTokensPage() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<Status | undefined>("active");
  const tokens = useInfiniteQuery(
    trpc.admin.tokens.all.infiniteQueryOptions(
      { status, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const rows = tokens.data?.pages.flatMap((page) => page.tokens) ?? [];
  return (
    <>
      <PageHeader
        title="All API tokens"
        description="Every person's tokens. Revoking one makes the pipelines using it get 401 from their next request."
      />
      <label className="mb-4 flex items-center gap-2 text-sm text-slate-600">
        Status
        <Select
          value={status ?? ""}
          onChange={(e) => setStatus(isStatus(e.target.value) ? e.target.value : undefined)}
          data-testid="all-tokens-status"
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s[0]?.toUpperCase()}
              {s.slice(1)}
            </option>
          ))}
        </Select>
      </label>
      {tokens.isPending ? (
        <LoadingState label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title="No tokens"
          description={status ? `Nobody has ${status} tokens.` : "Nobody has made one yet."}
        />
      ) : (
        <div className="space-y-3">
          <TokensTable tokens={rows} owner="any" />
          {tokens.hasNextPage && (
            <Button
              variant="secondary"
              disabled={tokens.isFetchingNextPage}
              onClick={() => void tokens.fetchNextPage()}
            >
              {tokens.isFetchingNextPage ? "Loading…" : "Load more"}
            </Button>
          )}
        </div>
      )}
    </>
  );
}
