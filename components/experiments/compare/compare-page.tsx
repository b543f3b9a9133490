"use client";

import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { MAX_COMPARE_RUNS, parseCompareState, serializeCompareState } from "@/components/experiments/shared/url";
import { CompareData } from "@/components/experiments/compare/compare-data";
import { CopyLinkButton } from "@/components/experiments/compare/copy-link-button";
import { useUrlState } from "@/lib/use-url-state";

/** Side-by-side comparison of up to 200 runs; everything that shapes the view is in the URL. */
export function ComparePage() {
  const [state, update] = useUrlState(parseCompareState, serializeCompareState);
  const count = state.runIds.length;
  const tooMany = count > MAX_COMPARE_RUNS;

  return (
    <>
      <PageHeader
        title="Compare runs"
        description={
          count > 0
            ? `${count} run${count === 1 ? "" : "s"} side by side: curves, parameters and how they relate.`
            : undefined
        }
        actions={count > 0 && <CopyLinkButton />}
      />
      {count === 0 && (
        <EmptyState
          title="No runs selected"
          description="Pick 2 to 200 runs in an experiment's runs table and press “Compare”."
          action={
            <Link href="/experiments" className="text-sm font-medium text-indigo-700 hover:underline">
              Go to experiments
            </Link>
          }
        />
      )}
      {tooMany && (
        <div
          role="alert"
          className="rounded-lg border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800"
          data-testid="compare-too-many"
        >
          <p className="font-semibold">
            Too many runs: {count} were asked for, at most {MAX_COMPARE_RUNS} can be compared.
          </p>
          <p className="mt-1">
            Go back to the runs table and narrow the selection, or{" "}
            <button
              type="button"
              className="font-medium underline"
              onClick={() => update({ runIds: state.runIds.slice(0, MAX_COMPARE_RUNS) }, "replace")}
            >
              compare the first {MAX_COMPARE_RUNS}
            </button>
            .
          </p>
        </div>
      )}
      {count > 0 && !tooMany && <CompareData state={state} update={update} />}
    </>
  );
}
