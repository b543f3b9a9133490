"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { QueueNav } from "@/components/labels/queue-nav";
import { QueueSettingsForm } from "@/components/labels/queue-settings-form";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { formatDateTime } from "@/lib/format";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";

/** A queue's settings and "Sample now", for people who manage the model's team's queues. */
export function QueueSettingsPage({ queueId }: { queueId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queue = useQuery(trpc.labels.queue.queryOptions({ queueId }));
  const canManage = useCanChange("labels:manage", queue.data ? { teamId: queue.data.model.teamId } : undefined);
  const sample = useMutation(
    trpc.labels.sampleNow.mutationOptions({
      onSuccess: () => {
        // The worker samples within seconds; the counts follow on the next refresh.
        setTimeout(() => void queryClient.invalidateQueries({ queryKey: trpc.labels.pathKey() }), 3000);
      },
    }),
  );
  return (
    <>
      <QueueNav queueId={queueId} section="settings" />
      {queue.isPending ? (
        <LoadingState label="Loading the queue…" />
      ) : queue.isError ? (
        <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />
      ) : !canManage ? (
        <p className="text-sm text-slate-600">
          Data scientists of the model&apos;s team (and admins) change its queues.
        </p>
      ) : (
        <div className="space-y-6">
          <Card
            title="Sampling"
            actions={
              <Button
                size="sm"
                onClick={() => sample.mutate({ queueId })}
                disabled={sample.isPending}
                data-testid="sample-now"
              >
                {sample.isPending ? "Queuing…" : "Sample now"}
              </Button>
            }
          >
            <p className="text-sm text-slate-600">
              The sampler runs every five minutes. It has read predictions up to{" "}
              <span data-testid="queue-cursor">
                {queue.data.cursorAt ? formatDateTime(queue.data.cursorAt) : "— (never run)"}
              </span>
              .
            </p>
            {sample.isSuccess && (
              <p role="status" className="mt-2 text-sm text-indigo-800" data-testid="sample-queued">
                Sampling queued; new items appear in a few seconds.
              </p>
            )}
            {sample.error && (
              <p role="alert" className="mt-2 text-sm text-rose-700">
                {sample.error.message}
              </p>
            )}
          </Card>
          <Card title="Settings">
            <p className="mb-4 text-sm text-slate-600">
              Label schema: <span className="font-mono">{JSON.stringify(queue.data.labelSchema)}</span> (fixed once the
              queue exists: labels already given would not fit another).
            </p>
            <QueueSettingsForm queue={queue.data} />
          </Card>
        </div>
      )}
    </>
  );
}
