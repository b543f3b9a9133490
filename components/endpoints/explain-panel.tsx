"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ExplanationView } from "@/components/endpoints/explanation-view";
import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

type Props = {
  endpointId: string;
  /** The rows the prediction was sent with; one of them (the first unless picked) is explained. */
  rows: Record<string, unknown>[];
  /** The variant that served the prediction, so the explanation is of that answer. */
  variant: string;
};

/** On demand, why the endpoint answered what it did for the row just sent. */
export function ExplainPanel({ endpointId, rows, variant }: Props) {
  const trpc = useTRPC();
  const pickerId = useId();
  const explain = useMutation(trpc.endpoints.explain.mutationOptions());
  const [rowIndex, setRowIndex] = useState(0);
  const row = rows[rowIndex] ?? {};
  const send = () => explain.mutate({ endpointId, rows: [row], variant });
  const explanation = explain.data?.explanations[0];
  return (
    <section aria-label="Explanation" className="space-y-3 border-t border-emerald-200 pt-3">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="secondary" size="sm" onClick={send} disabled={explain.isPending} data-testid="explain-submit">
          {explain.isPending ? "Explaining…" : explain.data ? "Explain again" : "Explain"}
        </Button>
        {rows.length > 1 && (
          <span className="flex items-center gap-2 text-xs text-slate-600">
            <label htmlFor={pickerId}>Row</label>
            <Select
              id={pickerId}
              value={rowIndex}
              onChange={(event) => {
                setRowIndex(Number(event.target.value));
                explain.reset();
              }}
              className="py-1 text-xs"
            >
              {rows.map((_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </Select>
            <span className="text-slate-500">of the {rows.length} sent</span>
          </span>
        )}
      </div>
      <div aria-live="polite">
        {explain.isPending ? (
          <LoadingState label="Computing the attributions…" />
        ) : explain.isError ? (
          explain.error.data?.code === "UNPROCESSABLE_CONTENT" ? (
            <p role="alert" className="text-slate-700" data-testid="explain-unavailable">
              {explain.error.message}
            </p>
          ) : (
            <ErrorState error={explain.error} onRetry={send} />
          )
        ) : explain.data && !explanation ? (
          <p className="text-slate-500">The runtime answered no explanation for this row.</p>
        ) : (
          explanation && <ExplanationView explanation={explanation} row={row} />
        )}
      </div>
    </section>
  );
}
