"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";

/** A model's label queues (those of the viewer's team; every queue for admins), with a link to create one. */
export function ModelLabelQueuesCard({
  modelName,
  teamId,
  className,
}: {
  modelName: string;
  teamId: string;
  className?: string;
}) {
  const trpc = useTRPC();
  const queues = useQuery(trpc.labels.myQueues.queryOptions());
  const canManage = useCanChange("labels:manage", { teamId });
  const mine = queues.data?.filter((q) => q.model.name === modelName) ?? [];
  return (
    <Card
      title="Label queues"
      className={className}
      actions={
        canManage ? (
          <Link
            href={`/labels?model=${encodeURIComponent(modelName)}`}
            className="text-sm text-indigo-700 hover:underline"
            data-testid="model-new-queue"
          >
            New queue
          </Link>
        ) : undefined
      }
    >
      {queues.isPending ? (
        <LoadingState label="Loading label queues…" />
      ) : queues.isError ? (
        <ErrorState error={queues.error} onRetry={() => void queues.refetch()} />
      ) : mine.length === 0 ? (
        <p className="text-sm text-slate-500">
          No label queues. A queue samples this model&apos;s captured predictions for people to label and review.
        </p>
      ) : (
        <ul className="space-y-1 text-sm" data-testid="model-label-queues">
          {mine.map((queue) => (
            <li key={queue.id} className="flex justify-between gap-2">
              <Link href={`/labels/${queue.id}`} className="text-indigo-700 underline">
                {queue.name}
              </Link>
              <span className="text-xs text-slate-500">
                {queue.counts.labelling} labelling · {queue.counts.review} in review · {queue.counts.accepted} accepted
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
