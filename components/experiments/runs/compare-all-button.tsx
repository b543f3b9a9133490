"use client";

import { MAX_CURVE_RUNS } from "@/contracts/curve-frames";
import { useMutation } from "@tanstack/react-query";
import { Layers } from "lucide-react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { compareSelectionHref } from "@/components/experiments/shared/url";
import { useTRPC } from "@/trpc/react";

type View = { experimentId: string; filter: string; sortBy: string; sortDir: "asc" | "desc" };

/**
 * Compares every run the table lists (its filter and sort), up to the first 1,000: the server saves them as a
 * selection, so the compare link stays short however many runs it holds.
 */
export function CompareAllButton({ view, total }: { view: View; total: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const save = useMutation(
    trpc.experiments.saveMatchingRuns.mutationOptions({
      onSuccess: ({ id }) => router.push(compareSelectionHref(id)),
    }),
  );
  const label =
    total > MAX_CURVE_RUNS
      ? `Compare the first ${MAX_CURVE_RUNS.toLocaleString()} of ${total.toLocaleString()}`
      : `Compare all ${total.toLocaleString()}${view.filter ? " matching" : ""}`;
  return (
    <span className="flex items-center gap-2">
      {save.isError && (
        <span role="alert" className="text-xs text-rose-700">
          {save.error.message}
        </span>
      )}
      <Button
        variant="secondary"
        className="rounded-full"
        disabled={save.isPending}
        onClick={() => save.mutate({ ...view, filter: view.filter || undefined })}
        data-testid="compare-all"
      >
        <Layers className="h-4 w-4" aria-hidden />
        {save.isPending ? "Saving the selection…" : label}
      </Button>
    </span>
  );
}
