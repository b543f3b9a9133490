"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ASYNC_INVOCATION_STATUSES, type AsyncInvocationStatus } from "@/contracts/async-invocations";
import { AsyncInvocationRow } from "@/components/endpoints/async-invocation-row";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

const LIVE_MS = 2000;
const IDLE_MS = 15_000;
const PAGE = 10;

/** The endpoint's asynchronous invocations for its team: the backlog, each invocation's outcome and its result. */
export function AsyncInvocationsCard({ endpointName }: { endpointName: string }) {
  const trpc = useTRPC();
  const [status, setStatus] = useState<AsyncInvocationStatus | undefined>();
  // Keyset paging: the cursors of the pages before this one, so "Newer" goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors.at(-1);
  const query = useQuery({
    ...trpc.asyncInvocations.list.queryOptions({ endpointName, status, after, limit: PAGE }),
    refetchInterval: (q) =>
      q.state.data && q.state.data.backlog.queued + q.state.data.backlog.running > 0 ? LIVE_MS : IDLE_MS,
  });
  const backlog = query.data?.backlog;
  return (
    <Card
      title="Asynchronous invocations"
      actions={
        backlog && (
          <span className="text-xs text-slate-600" data-testid="async-backlog">
            {backlog.queued} queued · {backlog.running} running
          </span>
        )
      }
    >
      <div className="space-y-3">
        <label className="flex items-center gap-2 text-xs text-slate-600">
          Status
          <Select
            value={status ?? ""}
            onChange={(event) => {
              setStatus((event.target.value || undefined) as AsyncInvocationStatus | undefined);
              setCursors([undefined]);
            }}
            aria-label="Filter by status"
          >
            <option value="">All</option>
            {ASYNC_INVOCATION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </Select>
        </label>
        {query.isPending ? (
          <LoadingState label="Loading the invocations…" />
        ) : query.isError ? (
          <ErrorState error={query.error} onRetry={() => void query.refetch()} />
        ) : query.data.items.length === 0 ? (
          <EmptyState
            title={status ? `No ${status.toLowerCase()} invocation` : "No asynchronous invocation yet"}
            description={
              <>
                Send a large payload with <code>POST /api/v1/endpoints/{endpointName}/invocations-async</code> (JSON
                rows or CSV records, a token with the <code>inference:invoke</code> scope): it is answered 202 at once
                and scored in the background.
              </>
            }
          />
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="async-invocations">
            {query.data.items.map((invocation) => (
              <AsyncInvocationRow key={invocation.id} invocation={invocation} />
            ))}
          </ul>
        )}
        {(cursors.length > 1 || query.data?.nextCursor) && (
          <div className="flex justify-end gap-2">
            <Button
              variant="secondary"
              disabled={cursors.length <= 1}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Newer
            </Button>
            <Button
              variant="secondary"
              disabled={!query.data?.nextCursor}
              onClick={() => setCursors((c) => [...c, query.data?.nextCursor ?? undefined])}
            >
              Older
            </Button>
          </div>
        )}
      </div>
    </Card>
  );
}
