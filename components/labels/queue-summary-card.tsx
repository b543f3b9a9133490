import Link from "next/link";
import { SummaryCount } from "@/components/labels/summary-count";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";

type MyQueue = RouterOutputs["labels"]["myQueues"][number];

/** One queue on the home page: what waits on me, its counts and today's budget. */
export function QueueSummaryCard({ queue, canReview }: { queue: MyQueue; canReview: boolean }) {
  const base = `/labels/${queue.id}`;
  return (
    <li data-testid="queue-card" data-queue-id={queue.id}>
      <Card
        title={
          <Link href={base} className="hover:underline">
            {queue.name}
          </Link>
        }
        actions={<span className="text-xs text-slate-500">{queue.model.name}</span>}
      >
        <div className="grid grid-cols-3 gap-4 sm:grid-cols-6">
          <SummaryCount label="To label (me)" value={queue.toLabel} testId="count-to-label" href={base} />
          {canReview && (
            <SummaryCount
              label="To review (me)"
              value={queue.toReview - queue.toAdjudicate}
              testId="count-to-review"
              href={`${base}/review`}
            />
          )}
          {canReview && (
            <SummaryCount
              label="To adjudicate (me)"
              value={queue.toAdjudicate}
              testId="count-to-adjudicate"
              href={`${base}/review?view=adjudicate`}
            />
          )}
          <SummaryCount label="Being labelled" value={queue.counts.labelling} testId="count-labelling" />
          <SummaryCount label="Accepted" value={queue.counts.accepted} testId="count-accepted" />
          <div>
            <span className="block text-xs text-slate-500">Budget used today</span>
            <span className="block text-2xl font-semibold text-slate-900" data-testid="count-budget">
              {queue.sampledToday} / {queue.dailyBudget}
            </span>
          </div>
        </div>
      </Card>
    </li>
  );
}
