"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { VersionsTable } from "@/components/registry/versions-table";

type Model = Pick<RouterOutputs["registry"]["get"], "name" | "versions" | "versionCount" | "keyMetrics">;

const PAGE_SIZE = 50;

/**
 * The model's newest versions come with the model. Asking for older ones switches the table to the paged list,
 * seeded with the newest versions on screen at that moment, so what is shown is one walk down the version numbers;
 * later changes (an alias moved, a version registered) refetch that walk from its start.
 */
export function ModelVersions({ model }: { model: Model }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [paging, setPaging] = useState(false);
  const options = trpc.registry.versions.infiniteQueryOptions(
    { name: model.name, limit: PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined },
  );
  const pages = useInfiniteQuery({ ...options, enabled: paging, staleTime: Infinity });
  const oldestShown = model.versions.at(-1)?.version ?? null;
  const rows = paging && pages.data ? pages.data.pages.flatMap((page) => page.items) : model.versions;
  // Versions are numbered 1, 2, 3… and never removed: older ones exist while the oldest shown is above 1.
  const hasOlder = paging ? pages.hasNextPage : oldestShown !== null && oldestShown > 1;
  const more = () => {
    if (!paging) {
      // Never an earlier visit's pages: start from the versions on screen.
      queryClient.setQueryData(options.queryKey, {
        pages: [{ items: model.versions, nextCursor: oldestShown }],
        pageParams: [null],
      });
      setPaging(true);
    }
    void pages.fetchNextPage();
  };
  return (
    <div className="space-y-3">
      <VersionsTable modelName={model.name} versions={rows} keyMetrics={model.keyMetrics} />
      {pages.isFetchNextPageError ? (
        <ErrorState error={pages.error} onRetry={more} />
      ) : (
        hasOlder && (
          <div className="flex flex-wrap items-center gap-3 text-sm text-slate-600" data-testid="versions-footer">
            <span>
              The newest {rows.length.toLocaleString()} of {model.versionCount.toLocaleString()} versions
            </span>
            <Button
              variant="secondary"
              size="sm"
              onClick={more}
              disabled={pages.isFetchingNextPage}
              data-testid="older-versions"
            >
              {pages.isFetchingNextPage ? "Loading…" : "Show older versions"}
            </Button>
          </div>
        )
      )}
    </div>
  );
}
