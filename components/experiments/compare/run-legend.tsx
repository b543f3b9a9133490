"use client";

import { Eye, EyeOff } from "lucide-react";
import { IntentLink } from "@/components/ui/intent-link";
import { memo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";
import { RunStatusBadge } from "@/components/experiments/shared/run-status-badge";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  hidden: ReadonlySet<string>;
  onToggle: (runId: string) => void;
  onShowAll: () => void;
  onHideAll: () => void;
  /** The run pointed at or focused in the legend, brought forward in every chart; null when none is. */
  onHighlight: (runId: string | null) => void;
};

/** Runs listed before "Show all"; the legend is not a scroll box because big scrollers slow every repaint. */
const COLLAPSED_COUNT = 24;

/**
 * The shared legend: one colour per run across every chart; pressing a run shows or hides it, pointing at or focusing
 * it brings its line forward in every chart.
 */
export const RunLegend = memo(function RunLegend(props: Props) {
  const { runs, colors, hidden, onToggle, onShowAll, onHideAll, onHighlight } = props;
  const [expanded, setExpanded] = useState(false);
  const shown = runs.length - runs.filter((run) => hidden.has(run.id)).length;
  const listed = expanded ? runs : runs.slice(0, COLLAPSED_COUNT);
  return (
    <Card
      title={`Runs (${shown} of ${runs.length} shown in charts)`}
      actions={
        <div className="flex gap-1">
          <Button variant="ghost" size="sm" onClick={onShowAll} disabled={hidden.size === 0}>
            <Eye className="h-3.5 w-3.5" aria-hidden />
            Show all
          </Button>
          <Button variant="ghost" size="sm" onClick={onHideAll} disabled={shown === 0}>
            <EyeOff className="h-3.5 w-3.5" aria-hidden />
            Hide all
          </Button>
        </div>
      }
    >
      <ul
        className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4"
        data-testid="run-legend"
        id="run-legend-list"
      >
        {listed.map((run) => {
          const visible = !hidden.has(run.id);
          return (
            <li
              key={run.id}
              className="flex min-w-0 items-center gap-1"
              onPointerEnter={() => visible && onHighlight(run.id)}
              onPointerLeave={() => onHighlight(null)}
              onFocus={() => visible && onHighlight(run.id)}
              onBlur={() => onHighlight(null)}
            >
              <button
                type="button"
                aria-pressed={visible}
                onClick={() => onToggle(run.id)}
                className={`flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1 text-left text-sm hover:bg-slate-50 ${visible ? "" : "opacity-45"}`}
                title={visible ? `Hide ${run.name} in charts` : `Show ${run.name} in charts`}
              >
                <span
                  className="h-3 w-3 shrink-0 rounded-full border-2"
                  style={{
                    borderColor: colors.get(run.id),
                    backgroundColor: visible ? colors.get(run.id) : "transparent",
                  }}
                  aria-hidden
                />
                <span className={`truncate ${visible ? "text-slate-800" : "text-slate-500 line-through"}`}>
                  {run.name}
                </span>
              </button>
              <span className="shrink-0 scale-90">
                <RunStatusBadge status={run.status} />
              </span>
              <IntentLink
                href={`/experiments/${run.experimentId}/runs/${run.id}`}
                className="shrink-0 rounded px-1 text-xs text-indigo-700 hover:underline"
                aria-label={`Open run ${run.name}`}
              >
                Open
              </IntentLink>
            </li>
          );
        })}
      </ul>
      {runs.length > COLLAPSED_COUNT && (
        <Button
          variant="ghost"
          size="sm"
          className="mt-2"
          onClick={() => setExpanded((value) => !value)}
          aria-expanded={expanded}
          aria-controls="run-legend-list"
        >
          {expanded ? "Show fewer" : `Show all ${runs.length} runs`}
        </Button>
      )}
    </Card>
  );
});
