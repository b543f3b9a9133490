import { GitCompareArrows } from "lucide-react";
import Link from "next/link";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { compareReadiness } from "@/components/experiments/runs/selection";
import { compareHref } from "@/components/experiments/shared/url";

type Props = {
  selected: string[];
  onClear: () => void;
  /** Shown while nothing is ticked: compare every run the table lists instead. */
  compareAll?: ReactNode;
};

/** Sticky footer with the selection count and the way to the compare view. */
export function CompareBar({ selected, onClear, compareAll }: Props) {
  const readiness = compareReadiness(selected.length);
  const label = `Compare ${selected.length} runs`;
  return (
    <div className="sticky bottom-4 z-20 flex justify-center" data-testid="compare-bar">
      <div className="flex items-center gap-4 rounded-full border border-slate-200 bg-white/95 py-2 pl-5 pr-2 text-sm shadow-lg backdrop-blur">
        <span className="text-slate-600" aria-live="polite">
          {selected.length === 0 ? "Tick runs to compare them" : `${selected.length} selected`}
          {!readiness.ok && selected.length > 0 && (
            <span className="ml-2 text-xs text-slate-500">{readiness.reason}</span>
          )}
        </span>
        {selected.length > 0 && (
          <Button variant="ghost" size="sm" onClick={onClear}>
            Clear
          </Button>
        )}
        {selected.length === 0 && compareAll}
        {readiness.ok ? (
          <Link
            href={compareHref(selected)}
            className="inline-flex items-center gap-1.5 rounded-full bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
          >
            <GitCompareArrows className="h-4 w-4" aria-hidden />
            {label}
          </Link>
        ) : (
          <Button disabled className="rounded-full" title={readiness.reason}>
            <GitCompareArrows className="h-4 w-4" aria-hidden />
            {label}
          </Button>
        )}
      </div>
    </div>
  );
}
