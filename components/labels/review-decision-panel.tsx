"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { LabelSchema } from "@/contracts/labels";
import { LabelFixForm } from "@/components/labels/label-fix-form";
import type { ReviewView } from "@/components/labels/labels-url";
import { RejectForm } from "@/components/labels/reject-form";
import { Button } from "@/components/ui/button";
import { isTypingTarget, labelText, reviewKeyAction } from "@/lib/label-keys";
import { useTRPC, type RouterOutputs } from "@/trpc/react";

type ReviewItem = RouterOutputs["labels"]["toReview"]["items"][number];
type Decided = RouterOutputs["labels"]["review"];

type Props = {
  item: ReviewItem;
  schema: LabelSchema;
  view: ReviewView;
  onDecided: (result: Decided) => void;
  onMove: (step: 1 | -1) => void;
};

/**
 * The reviewer's decision on one item round, keyboard first: A accept (only when the labels agree), F fix & accept
 * (or adjudicate, when they disagree) with the reviewer's label, R reject with a required reason, J / K move.
 */
export function ReviewDecisionPanel({ item, schema, view, onDecided, onMove }: Props) {
  const trpc = useTRPC();
  const [mode, setMode] = useState<"none" | "fix" | "reject">("none");
  const review = useMutation(trpc.labels.review.mutationOptions({ onSuccess: onDecided }));
  const adjudicate = useMutation(trpc.labels.adjudicate.mutationOptions({ onSuccess: onDecided }));
  const pending = review.isPending || adjudicate.isPending;
  const accept = () => {
    if (!item.agreed || pending) return;
    review.mutate({ itemId: item.id, round: item.round, decision: "ACCEPT" });
  };
  const latest = useRef({ accept, onMove, mode });
  useEffect(() => {
    latest.current = { accept, onMove, mode };
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.metaKey || event.ctrlKey || isTypingTarget(event.target)) return;
      if (latest.current.mode !== "none") return;
      const action = reviewKeyAction(event.key);
      if (!action) return;
      event.preventDefault();
      if (action === "accept") latest.current.accept();
      else if (action === "fix") setMode("fix");
      else if (action === "reject") setMode("reject");
      else latest.current.onMove(action === "next" ? 1 : -1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const initial = item.agreed && item.annotations[0] ? labelText(item.annotations[0].value) : "";
  const fixLabel = view === "adjudicate" || !item.agreed ? "Adjudicate" : "Fix & Accept";
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-4" data-testid="review-decision">
      {mode === "fix" ? (
        <LabelFixForm
          schema={schema}
          initial={schema.kind === "number" ? initial : initial.split("/")[0]!}
          submitLabel={fixLabel}
          pending={pending}
          onCancel={() => setMode("none")}
          onSubmit={({ value, reason }, { onError }) =>
            item.agreed
              ? review.mutate(
                  { itemId: item.id, round: item.round, decision: "FIX_ACCEPT", value, reason },
                  { onError },
                )
              : adjudicate.mutate({ itemId: item.id, round: item.round, value, reason }, { onError })
          }
        />
      ) : mode === "reject" ? (
        <RejectForm
          pending={pending}
          onCancel={() => setMode("none")}
          onSubmit={(reason, { onError }) =>
            review.mutate({ itemId: item.id, round: item.round, decision: "REJECT", reason }, { onError })
          }
        />
      ) : (
        <div className="space-y-3">
          <div className="flex flex-wrap gap-2">
            <Button
              onClick={accept}
              disabled={!item.agreed || pending}
              data-testid="review-accept"
              title={item.agreed ? undefined : "The labels disagree: adjudicate or reject"}
            >
              Accept <kbd className="font-mono text-xs">A</kbd>
            </Button>
            <Button variant="secondary" onClick={() => setMode("fix")} disabled={pending} data-testid="review-fix">
              {fixLabel} <kbd className="font-mono text-xs">F</kbd>
            </Button>
            <Button variant="danger" onClick={() => setMode("reject")} disabled={pending} data-testid="review-reject">
              Reject <kbd className="font-mono text-xs">R</kbd>
            </Button>
          </div>
          {!item.agreed && (
            <p className="text-xs text-amber-800">
              The annotators disagree, so Accept is not possible: settle it with your own label or reject the round.
            </p>
          )}
          {review.error && (
            <p role="alert" className="text-sm text-rose-700" data-testid="review-error">
              {review.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
