"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { MAX_COMPARE_RUNS, parseCompareState, serializeCompareState } from "@/components/experiments/shared/url";
import { CompareData } from "@/components/experiments/compare/compare-data";
import { CopyLinkButton } from "@/components/experiments/compare/copy-link-button";
import { TooManyRuns } from "@/components/experiments/compare/too-many-runs";
import { useUrlState } from "@/lib/use-url-state";
import { useTRPC } from "@/trpc/react";

/**
 * Side-by-side comparison of the runs a link lists (up to 200) or of a saved selection (up to 1,000); everything that
 * shapes the view is in the URL.
 */
export function ComparePage() {
  const trpc = useTRPC();
  const [state, update] = useUrlState(parseCompareState, serializeCompareState);
  // Read for the header's count only (the comparison reports a missing selection); a saved selection never changes.
  const saved = useQuery({
    ...trpc.experiments.selection.queryOptions({ selection: state.selection ?? "" }, { staleTime: Infinity }),
    enabled: state.selection !== null,
  });
  const runIds = state.selection === null ? state.runIds : (saved.data?.runIds ?? []);
  const count = runIds.length;
  const tooMany = state.selection === null && count > MAX_COMPARE_RUNS;

  return (
    <>
      <PageHeader
        title="Compare runs"
        description={
          count > 0
            ? `${count.toLocaleString()} run${count === 1 ? "" : "s"} side by side: curves, parameters and how they relate.`
            : undefined
        }
        actions={count > 0 && <CopyLinkButton />}
      />
      {state.selection === null && count === 0 && (
        <EmptyState
          title="No runs selected"
          description="Pick 2 to 200 runs in an experiment's runs table and press “Compare”, or compare every run a filter lists."
          action={
            <Link href="/experiments" className="text-sm font-medium text-indigo-700 hover:underline">
              Go to experiments
            </Link>
          }
        />
      )}
      {tooMany && (
        <TooManyRuns
          runIds={state.runIds}
          onSaved={(selection) => update({ selection, runIds: [] }, "replace")}
          onTrim={() => update({ runIds: state.runIds.slice(0, MAX_COMPARE_RUNS) }, "replace")}
        />
      )}
      {(state.selection !== null || (count > 0 && !tooMany)) && (
        <CompareData state={state} selection={state.selection} update={update} />
      )}
    </>
  );
}
