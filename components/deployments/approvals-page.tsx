"use client";

import { useQuery } from "@tanstack/react-query";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useCan } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";
import { PendingPromotionCard } from "@/components/deployments/pending-promotion-card";

/** Promotions waiting for a second person; `requested` is the one the viewer just asked for, if any. */
export function ApprovalsPage({ requested }: { requested: string | null }) {
  const trpc = useTRPC();
  const canApprove = useCan("promotions:approve");
  const pending = useQuery(trpc.deployments.pending.queryOptions(undefined, { refetchInterval: 15_000 }));
  const justRequested = requested ? pending.data?.find((p) => p.id === requested) : undefined;

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Production promotions need a reviewer or manager other than the requester."
      />
      {justRequested && (
        <p
          role="status"
          className="mb-4 rounded-md border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm text-indigo-900"
          data-testid="promotion-requested"
        >
          Your promotion of {justRequested.version.model.name} v{justRequested.version.version} awaits approval by a
          second person (a reviewer or manager). It starts deploying as soon as someone approves it.
        </p>
      )}
      {pending.isPending ? (
        <LoadingState label="Loading pending promotions…" />
      ) : pending.isError ? (
        <ErrorState error={pending.error} onRetry={() => void pending.refetch()} />
      ) : pending.data.length === 0 ? (
        <EmptyState
          title="Nothing waits for approval"
          description="Production promotions appear here until a reviewer or manager decides."
        />
      ) : (
        <ul className="space-y-4" data-testid="pending-promotions">
          {pending.data.map((promotion) => (
            <PendingPromotionCard
              key={promotion.id}
              promotion={promotion}
              canApprove={canApprove}
              highlighted={promotion.id === requested}
            />
          ))}
        </ul>
      )}
    </>
  );
}
