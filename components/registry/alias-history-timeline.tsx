"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { AliasMoveLabel } from "@/components/registry/alias-move-label";
import { formatDateTime } from "@/lib/format";

type Props = { modelName: string; aliases: string[]; alias: string; onAliasChange: (alias: string) => void };

const PAGE_SIZE = 50;

/** Every move of the model's aliases, newest first, a page at a time: when, who, from → to, and why. */
export function AliasHistoryTimeline({ modelName, aliases, alias, onAliasChange }: Props) {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.registry.aliasHistory.infiniteQueryOptions(
      { name: modelName, alias: alias || undefined, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const events = history.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="space-y-3">
      <div className="flex items-center gap-2">
        <label htmlFor="history-alias" className="text-sm text-slate-600">
          Show moves of
        </label>
        <Select
          id="history-alias"
          value={alias}
          onChange={(e) => onAliasChange(e.target.value)}
          data-testid="history-alias-filter"
        >
          <option value="">All aliases</option>
          {aliases.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </div>
      {history.isPending ? (
        <LoadingState label="Loading history…" />
      ) : history.isError && !history.isFetchNextPageError ? (
        <ErrorState error={history.error} onRetry={() => void history.refetch()} />
      ) : events.length === 0 ? (
        <p className="text-sm text-slate-500">
          {alias ? `${alias} has never been set.` : "No alias has been set yet."}
        </p>
      ) : (
        <ol className="relative space-y-4 border-l border-slate-200 pl-4" data-testid="alias-history">
          {events.map((event) => (
            <li key={event.id} className="relative">
              <span
                className="absolute -left-[1.3rem] top-1.5 h-2.5 w-2.5 rounded-full bg-indigo-500 ring-2 ring-white"
                aria-hidden
              />
              <AliasMoveLabel alias={event.alias} from={event.fromVersion} to={event.toVersion} />
              <p className="text-xs text-slate-500">
                <time dateTime={event.createdAt.toISOString()}>{formatDateTime(event.createdAt)}</time> ·{" "}
                {event.actor.name}
              </p>
              {event.reason && <p className="mt-1 text-sm text-slate-700">“{event.reason}”</p>}
            </li>
          ))}
        </ol>
      )}
      {history.isFetchNextPageError ? (
        <ErrorState error={history.error} onRetry={() => void history.fetchNextPage()} />
      ) : (
        history.hasNextPage && (
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void history.fetchNextPage()}
            disabled={history.isFetchingNextPage}
            data-testid="older-alias-moves"
          >
            {history.isFetchingNextPage ? "Loading…" : "Show older moves"}
          </Button>
        )
      )}
    </div>
  );
}
