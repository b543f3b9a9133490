"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { QueueCreateForm } from "@/components/labels/queue-create-form";
import { QueueSummaryCard } from "@/components/labels/queue-summary-card";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useCan } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";

/**
 * The labeller's and reviewer's home: what waits on me across my team's queues, each queue's counts and today's
 * budget, and (for people who manage queues) a new queue. `model` prefills the new queue's model (from a model page).
 */
export function LabelsHome({ model }: { model: string | null }) {
  const trpc = useTRPC();
  const canReview = useCan("labels:review");
  const canManage = useCan("labels:manage");
  const [creating, setCreating] = useState(model !== null);
  const queues = useQuery(trpc.labels.myQueues.queryOptions(undefined, { refetchInterval: 30_000 }));
  const totals = (queues.data ?? []).reduce(
    (sum, q) => ({
      label: sum.label + q.toLabel,
      review: sum.review + q.toReview - q.toAdjudicate,
      adjudicate: sum.adjudicate + q.toAdjudicate,
    }),
    { label: 0, review: 0, adjudicate: 0 },
  );
  const first = (pick: (q: NonNullable<typeof queues.data>[number]) => number) =>
    queues.data?.find((q) => pick(q) > 0)?.id;
  const waitingParts = [
    totals.label > 0 && { text: `${totals.label} to label`, href: `/labels/${first((q) => q.toLabel)}` },
    totals.review > 0 && {
      text: `${totals.review} to review`,
      href: `/labels/${first((q) => q.toReview - q.toAdjudicate)}/review`,
    },
    totals.adjudicate > 0 && {
      text: `${totals.adjudicate} to adjudicate`,
      href: `/labels/${first((q) => q.toAdjudicate)}/review?view=adjudicate`,
    },
  ].filter((part) => part !== false);

  return (
    <>
      <PageHeader
        title="Label queues"
        description="Sampled predictions to label blind, review and settle; accepted labels become ground truth."
        actions={
          canManage && !creating ? (
            <Button onClick={() => setCreating(true)} data-testid="new-queue">
              New queue
            </Button>
          ) : undefined
        }
      />
      {creating && canManage && (
        <Card
          title="New label queue"
          className="mb-6"
          actions={
            <Button variant="ghost" size="sm" onClick={() => setCreating(false)}>
              Close
            </Button>
          }
        >
          <QueueCreateForm modelName={model ?? ""} />
        </Card>
      )}
      {queues.isPending ? (
        <LoadingState label="Loading your queues…" />
      ) : queues.isError ? (
        <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />
      ) : queues.data.length === 0 ? (
        <EmptyState
          title="No label queues yet"
          description={
            canManage
              ? "Create a queue for one of your team's models: it samples captured predictions for people to label."
              : "Your team has no label queues. A data scientist of the team creates them."
          }
        />
      ) : (
        <div className="space-y-4">
          <p
            role="status"
            className="rounded-md border border-indigo-200 bg-indigo-50 px-4 py-3 text-sm text-indigo-900"
            data-testid="waiting-on-me"
          >
            {waitingParts.length === 0 ? (
              "Nothing waits on you right now."
            ) : (
              <>
                Waiting on you:{" "}
                {waitingParts.map((part, i) => (
                  <span key={part.text}>
                    {i > 0 && ", "}
                    <Link href={part.href} className="font-semibold underline">
                      {part.text}
                    </Link>
                  </span>
                ))}
                .
              </>
            )}
          </p>
          <ul className="space-y-4" data-testid="queue-list">
            {queues.data.map((queue) => (
              <QueueSummaryCard key={queue.id} queue={queue} canReview={canReview} />
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
