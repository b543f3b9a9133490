"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { VersionsTable } from "@/components/registry/versions-table";

type Model = Pick<RouterOutputs["registry"]["get"], "name" | "versions" | "versionCount" | "keyMetrics">;

const PAGE_SIZE = 50;

/**
 * The model's newest versions come with the model. Asking for older ones switches the table to
 * the paged list, seeded with those newest versions, so what is shown is always one consistent
 * walk down the version numbers, even while versions are registered.
 */
export function ModelVersions({ model }: { model: Model }) {
  const trpc = useTRPC();
  const [paging, setPaging] = useState(false);
  const oldestShown = model.versions.at(-1)?.version ?? null;
  const firstPage = {
    items: model.versions,
    nextCursor: model.versions.length < model.versionCount ? oldestShown : null,
  };
  const pages = useInfiniteQuery({
    ...trpc.registry.versions.infiniteQueryOptions(
      { name: model.name, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    initialData: { pages: [firstPage], pageParams: [null] },
    staleTime: Infinity,
    enabled: paging,
  });
  const rows = paging ? pages.data.pages.flatMap((page) => page.items) : model.versions;
  const more = () => {
    setPaging(true);
    void pages.fetchNextPage();
  };
  return (
    <div className="space-y-3">
      <VersionsTable modelName={model.name} versions={rows} keyMetrics={model.keyMetrics} />
      {pages.isFetchNextPageError ? (
        <ErrorState error={pages.error} onRetry={more} />
      ) : (
        (paging ? pages.hasNextPage : firstPage.nextCursor !== null) && (
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
