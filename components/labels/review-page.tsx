"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AnnotationsTable } from "@/components/labels/annotations-table";
import { ItemExplanationPanel } from "@/components/labels/item-explanation-panel";
import { KeyHints } from "@/components/labels/key-hints";
import { parseReviewState, serializeReviewState } from "@/components/labels/labels-url";
import { PredictionDetails } from "@/components/labels/prediction-details";
import { QueueNav } from "@/components/labels/queue-nav";
import { ReviewDecisionPanel } from "@/components/labels/review-decision-panel";
import { ReviewItemList } from "@/components/labels/review-item-list";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { itemCursor } from "@/lib/item-cursor";
import { labelText } from "@/lib/label-keys";
import { useUrlState } from "@/lib/use-url-state";
import { useTRPC, type RouterOutputs } from "@/trpc/react";

type Decided = RouterOutputs["labels"]["review"];

const LIMIT = 100;

function outcomeText(result: Decided): string {
  if (result.decision === "REJECT") return `Rejected: the item is back in the queue for round ${result.round}.`;
  const value = result.finalValue ? labelText(result.finalValue) : "";
  const verb = result.decision === "ACCEPT" ? "Accepted" : "Fixed and accepted";
  return `${verb} “${value}”${result.groundTruth ? " — recorded as ground truth." : "."}`;
}

/**
 * Review (labels that agree: accept, fix & accept, reject) and adjudication (labels that disagree: settle with one's
 * own label, or reject). Items the reviewer labelled in any round never appear: the server leaves them out, and the
 * page says how many that hides.
 */
export function ReviewPage({ queueId }: { queueId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useUrlState(parseReviewState, serializeReviewState);
  const [result, setResult] = useState<Decided | null>(null);
  const agreement = url.view === "adjudicate" ? "disagreed" : "agreed";
  const items = useQuery(trpc.labels.toReview.queryOptions({ queueId, agreement, limit: LIMIT }));
  const mine = useQuery(trpc.labels.myQueues.queryOptions());
  const summary = mine.data?.find((q) => q.id === queueId);
  const hidden = summary ? summary.counts.review - summary.toReview : 0;
  const waiting =
    summary && (url.view === "adjudicate" ? summary.toAdjudicate : summary.toReview - summary.toAdjudicate);

  const list = items.data?.items ?? [];
  const { current, neighbour, afterCurrent } = itemCursor(list, url.item);
  const move = (step: 1 | -1) => {
    const next = neighbour(step);
    if (next) setUrl({ item: next.id }, "replace");
  };
  const decided = (outcome: Decided) => {
    setResult(outcome);
    const after = afterCurrent();
    setUrl({ item: after?.id ?? "" }, "replace");
    void queryClient.invalidateQueries({ queryKey: trpc.labels.toReview.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.labels.myQueues.pathKey() });
  };
  const schema = items.data?.labelSchema;

  return (
    <>
      <QueueNav queueId={queueId} section={url.view} />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-slate-600">
          {url.view === "adjudicate"
            ? "Items whose annotators disagree: settle each with your own label (it becomes ground truth) or reject the round."
            : "Items whose annotators agree: accept, fix and accept with your own label, or reject with a reason."}
        </p>
        <KeyHints
          hints={[
            ...(url.view === "review" ? [{ keys: "A", action: "accept" }] : []),
            { keys: "F", action: url.view === "review" ? "fix & accept" : "adjudicate" },
            { keys: "R", action: "reject" },
            { keys: "J / K", action: "next / previous" },
          ]}
        />
      </div>
      {hidden > 0 && (
        <p className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-xs text-slate-600" data-testid="own-items-hidden">
          {hidden} {hidden === 1 ? "item" : "items"} in review that you labelled {hidden === 1 ? "is" : "are"} not
          listed: a reviewer never decides their own labels, so someone else reviews {hidden === 1 ? "it" : "them"}.
        </p>
      )}
      {result && (
        <p
          role="status"
          className="mb-4 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900"
          data-testid="review-result"
        >
          {outcomeText(result)}
        </p>
      )}
      {items.isPending ? (
        <LoadingState label="Loading items to review…" />
      ) : items.isError ? (
        <ErrorState error={items.error} onRetry={() => void items.refetch()} />
      ) : !current || !schema ? (
        <EmptyState
          title={url.view === "adjudicate" ? "Nothing to adjudicate" : "Nothing waits for your review"}
          description="Items arrive here once every annotator of the queue's overlap has labelled them."
        />
      ) : (
        <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
          <div>
            <p className="mb-2 text-xs text-slate-500" data-testid="review-count">
              {waiting ?? `${list.length}${list.length === LIMIT ? "+" : ""}`}{" "}
              {url.view === "adjudicate" ? "to adjudicate" : "to review"}
              {list.length < (waiting ?? 0) && ` (the first ${list.length} listed; more load as you decide)`}
            </p>
            <ReviewItemList
              items={list}
              schema={schema}
              selectedId={current.id}
              onSelect={(id) => setUrl({ item: id }, "replace")}
            />
          </div>
          <div className="space-y-4" data-testid="review-item" data-item-id={current.id}>
            <PredictionDetails item={current} />
            <ItemExplanationPanel key={current.id} itemId={current.id} />
            <AnnotationsTable annotations={current.annotations} schema={schema} agreed={current.agreed} />
            <ReviewDecisionPanel
              key={`${current.id}#${current.round}`}
              item={current}
              schema={schema}
              view={url.view}
              onDecided={decided}
              onMove={move}
            />
          </div>
        </div>
      )}
    </>
  );
}
