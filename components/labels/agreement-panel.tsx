"use client";

import { useQuery } from "@tanstack/react-query";
import { LOW_AGREEMENT_ALPHA, MIN_ITEMS_TO_FLAG } from "@/contracts/labels";
import { AgreementTables } from "@/components/labels/agreement-tables";
import { QueueNav } from "@/components/labels/queue-nav";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useTRPC } from "@/trpc/react";

/**
 * A queue's agreement (reviewers): Krippendorff's α overall, per class and per annotator, Cohen's κ per pair of
 * annotators, each with the number of items behind it; annotators below the threshold are highlighted.
 */
export function AgreementPanel({ queueId }: { queueId: string }) {
  const trpc = useTRPC();
  const agreement = useQuery(trpc.labels.agreement.queryOptions({ queueId }));
  const body = agreement.isPending ? (
    <LoadingState label="Computing agreement…" />
  ) : agreement.isError ? (
    <ErrorState error={agreement.error} onRetry={() => void agreement.refetch()} />
  ) : agreement.data.overall.items === 0 ? (
    <EmptyState
      title="No agreement yet"
      description="Agreement needs items labelled by at least two people (a queue overlap of 2 or more)."
    />
  ) : (
    <AgreementTables data={agreement.data} />
  );
  return (
    <>
      <QueueNav queueId={queueId} section="agreement" />
      <p className="mb-4 max-w-3xl text-sm text-slate-600">
        Every item round labelled by two or more people counts, rejected rounds included. α is 1 for perfect agreement
        and 0 for agreement no better than chance. Annotators with α below {LOW_AGREEMENT_ALPHA} (Krippendorff&apos;s
        lower bound for tentative conclusions) on at least {MIN_ITEMS_TO_FLAG} shared items are marked{" "}
        <Badge tone="red">low</Badge>.
      </p>
      {body}
    </>
  );
}
