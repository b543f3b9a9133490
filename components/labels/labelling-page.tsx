"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { LabelValue } from "@/contracts/labels";
import { KeyHints } from "@/components/labels/key-hints";
import { LabellingItem } from "@/components/labels/labelling-item";
import { labellingUrl } from "@/components/labels/labels-url";
import { QueueNav } from "@/components/labels/queue-nav";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { itemCursor } from "@/lib/item-cursor";
import { keyOfIndex } from "@/lib/label-keys";
import { useUrlState } from "@/lib/use-url-state";
import { useTRPC } from "@/trpc/react";

/** How many items the page holds for J/K; the next ones load as these are labelled. */
const PAGE = 50;

/**
 * Blind labelling, one item at a time, keyboard first: digits pick, J/K move, Enter submits. The item on screen is in
 * the URL (?item=). Nothing here reads anyone's labels: the server's nextItems never returns them.
 */
export function LabellingPage({ queueId }: { queueId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [url, setUrl] = useUrlState(labellingUrl.parse, labellingUrl.serialize);
  const [labelled, setLabelled] = useState(0);
  const items = useQuery(trpc.labels.nextItems.queryOptions({ queueId, limit: PAGE }));
  const mine = useQuery(trpc.labels.myQueues.queryOptions());
  const waiting = mine.data?.find((q) => q.id === queueId)?.toLabel;
  const annotate = useMutation(
    trpc.labels.annotate.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.labels.nextItems.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.labels.myQueues.pathKey() });
      },
    }),
  );

  const list = items.data?.items ?? [];
  const { index, current, neighbour, afterCurrent } = itemCursor(list, url.item);
  const move = (step: 1 | -1) => {
    const next = neighbour(step);
    if (!next) return;
    annotate.reset();
    setUrl({ item: next.id }, "replace");
  };
  const submit = (value: LabelValue) => {
    if (!current) return;
    const after = afterCurrent();
    annotate.mutate(
      { itemId: current.id, round: current.round, value },
      {
        onSuccess: () => {
          setLabelled((n) => n + 1);
          setUrl({ item: after?.id ?? "" }, "replace");
        },
      },
    );
  };

  const schema = items.data?.labelSchema;
  const pickHint =
    schema?.kind === "classes"
      ? `${keyOfIndex(0)}–${keyOfIndex(Math.min(schema.classes.length, 10) - 1)}`
      : schema?.kind === "rating"
        ? `${keyOfIndex(0)}–${keyOfIndex(schema.scale - 1)}`
        : null;

  return (
    <>
      <QueueNav queueId={queueId} section="label" />
      {items.isPending ? (
        <LoadingState label="Loading items to label…" />
      ) : items.isError ? (
        <ErrorState error={items.error} onRetry={() => void items.refetch()} />
      ) : !current || !schema ? (
        <EmptyState
          title={labelled > 0 ? `Done: you labelled ${labelled} items` : "Nothing waits for your label here"}
          description={
            <>
              Items appear when the sampler picks predictions (every five minutes, or “Sample now” in the queue&apos;s
              settings). Items you labelled wait for the other annotators and a reviewer.{" "}
              <Link href="/labels" className="text-indigo-700 underline">
                Back to your queues
              </Link>
              .
            </>
          }
        />
      ) : (
        <div className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-600" data-testid="labelling-progress">
              Item {index + 1} of {list.length}
              {list.length === PAGE ? "+" : ""} · {waiting ?? "…"} waiting for your label · {labelled} labelled now ·
              round {current.round}
            </p>
            <KeyHints
              hints={[
                ...(pickHint ? [{ keys: pickHint, action: schema.kind === "rating" ? "rate" : "pick class" }] : []),
                ...(schema.kind === "number" ? [{ keys: "Esc", action: "leave the input" }] : []),
                { keys: "J / K", action: "next / previous" },
                { keys: "Enter", action: "submit" },
              ]}
            />
          </div>
          <p className="text-xs text-slate-500">
            Blind: other people&apos;s labels of this item stay hidden from you; a reviewer compares them after everyone
            has labelled.
          </p>
          <LabellingItem
            key={`${current.id}#${current.round}`}
            item={current}
            schema={schema}
            pending={annotate.isPending}
            error={annotate.error?.message ?? null}
            onSubmit={submit}
            onMove={move}
          />
        </div>
      )}
    </>
  );
}
