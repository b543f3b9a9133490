"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useCan, useCanChange } from "@/lib/use-can";
import { cn } from "@/lib/cn";
import { useTRPC } from "@/trpc/react";

export type QueueSection = "label" | "review" | "adjudicate" | "agreement" | "settings";

/** The queue's title and its sections (label, review, adjudicate, agreement, settings) for the roles that have them. */
export function QueueNav({ queueId, section }: { queueId: string; section: QueueSection }) {
  const trpc = useTRPC();
  const queue = useQuery(trpc.labels.queue.queryOptions({ queueId }));
  const canAnnotate = useCan("labels:annotate");
  const canReview = useCan("labels:review");
  const canManage = useCanChange("labels:manage", queue.data ? { teamId: queue.data.model.teamId } : undefined);
  if (queue.isPending) return <LoadingState label="Loading the queue…" />;
  if (queue.isError) return <ErrorState error={queue.error} onRetry={() => void queue.refetch()} />;
  const base = `/labels/${queueId}`;
  const links: { key: QueueSection; href: string; label: string; shown: boolean }[] = [
    { key: "label", href: base, label: "Label", shown: canAnnotate },
    { key: "review", href: `${base}/review`, label: "Review", shown: canReview },
    { key: "adjudicate", href: `${base}/review?view=adjudicate`, label: "Adjudicate", shown: canReview },
    { key: "agreement", href: `${base}/agreement`, label: "Agreement", shown: canReview },
    { key: "settings", href: `${base}/settings`, label: "Settings", shown: canManage },
  ];
  return (
    <>
      <PageHeader
        title={<span data-testid="queue-name">{queue.data.name}</span>}
        description={
          <>
            <Link href="/labels" className="text-indigo-700 underline">
              Label queues
            </Link>{" "}
            · model{" "}
            <Link href={`/models/${encodeURIComponent(queue.data.model.name)}`} className="text-indigo-700 underline">
              {queue.data.model.name}
            </Link>{" "}
            · {queue.data.labelSchema.kind} labels · overlap {queue.data.overlap}
          </>
        }
      />
      <nav aria-label="Queue" className="mb-6 flex gap-1 border-b border-slate-200 text-sm">
        {links
          .filter((link) => link.shown)
          .map((link) => (
            <Link
              key={link.key}
              href={link.href}
              aria-current={link.key === section ? "page" : undefined}
              className={cn(
                "-mb-px border-b-2 px-3 py-2",
                link.key === section
                  ? "border-indigo-600 font-medium text-indigo-700"
                  : "border-transparent text-slate-600 hover:text-slate-900",
              )}
            >
              {link.label}
            </Link>
          ))}
      </nav>
    </>
  );
}
