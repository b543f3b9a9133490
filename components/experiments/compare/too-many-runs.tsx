"use client";

import { MAX_CURVE_RUNS } from "@/contracts/curve-frames";
import { useMutation } from "@tanstack/react-query";
import { MAX_COMPARE_RUNS } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";

type Props = { runIds: string[]; onSaved: (selection: string) => void; onTrim: () => void };

/**
 * A link that lists more runs than a link should carry: save them as a selection (up to 1,000) and compare that, or
 * compare the first 200.
 */
export function TooManyRuns({ runIds, onSaved, onTrim }: Props) {
  const trpc = useTRPC();
  const save = useMutation(trpc.experiments.saveSelection.mutationOptions({ onSuccess: ({ id }) => onSaved(id) }));
  const count = runIds.length;
  return (
    <div
      role="alert"
      className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      data-testid="compare-too-many"
    >
      <p className="font-semibold">
        This link lists {count.toLocaleString()} runs; a link names at most {MAX_COMPARE_RUNS} runs directly.
      </p>
      <p className="mt-1">
        {count <= MAX_CURVE_RUNS && (
          <>
            <button
              type="button"
              className="font-medium underline disabled:opacity-60"
              disabled={save.isPending}
              onClick={() => save.mutate({ runIds })}
            >
              {save.isPending ? "Saving…" : `Save all ${count.toLocaleString()} as a selection and compare them`}
            </button>{" "}
            (the link becomes short), or{" "}
          </>
        )}
        <button type="button" className="font-medium underline" onClick={onTrim}>
          compare the first {MAX_COMPARE_RUNS}
        </button>
        .
      </p>
      {save.isError && <p className="mt-1 text-rose-800">Could not save them: {save.error.message}</p>}
    </div>
  );
}
