"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ExplanationView } from "@/components/endpoints/explanation-view";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useTRPC } from "@/trpc/react";

/**
 * On demand, why the model answered what it did for the item under review: the attributions of the version that
 * predicted it. Render it with `key={itemId}` so moving to another item closes it.
 */
export function ItemExplanationPanel({ itemId }: { itemId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const explanation = useQuery({ ...trpc.labels.explainItem.queryOptions({ itemId }), enabled: open, retry: false });
  const data = explanation.data;
  return (
    <section aria-label="Why the model said this" className="space-y-3 rounded-lg border border-slate-200 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-900">Why the model said this</h3>
        <Button
          variant="secondary"
          size="sm"
          aria-expanded={open}
          onClick={() => setOpen((was) => !was)}
          data-testid="item-explain-toggle"
        >
          {open ? "Hide" : "Explain"}
        </Button>
      </div>
      {open && (
        <div aria-live="polite" className="text-sm">
          {explanation.isPending ? (
            <LoadingState label="Computing the attributions…" />
          ) : explanation.isError ? (
            explanation.error.data?.code === "UNPROCESSABLE_CONTENT" ? (
              <p role="alert" className="text-slate-700" data-testid="item-explain-unavailable">
                {explanation.error.message}
              </p>
            ) : (
              <ErrorState error={explanation.error} onRetry={() => void explanation.refetch()} />
            )
          ) : (
            data && (
              <>
                <p className="mb-2 text-xs text-slate-500" data-testid="item-explain-version">
                  {data.modelName} v{data.modelVersion}, the version that made this prediction
                </p>
                <ExplanationView explanation={data.explanation} row={data.features} />
              </>
            )
          )}
        </div>
      )}
    </section>
  );
}
