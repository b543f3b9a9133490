"use client";

import { memo, useMemo } from "react";
import { buildValueRows, visibleRows } from "@/components/experiments/compare/diff";
import type { RouterOutputs } from "@/trpc/react";
import { ValuesByKeyTable } from "@/components/experiments/compare/values-by-key-table";
import { ValuesByRunTable } from "@/components/experiments/compare/values-by-run-table";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  paramKeys: string[];
  metricKeys: string[];
  differencesOnly: boolean;
  onDifferencesOnlyChange: (value: boolean) => void;
};

/** Up to this many runs are shown as columns; more turn the table so runs become rows. */
const RUNS_AS_COLUMNS_LIMIT = 8;

export const CompareValuesSection = memo(function CompareValuesSection(props: Props) {
  const { runs, colors, paramKeys, metricKeys, differencesOnly, onDifferencesOnlyChange } = props;
  const paramRows = useMemo(
    () =>
      buildValueRows(
        paramKeys,
        runs.map((run) => ({ values: run.params })),
      ),
    [paramKeys, runs],
  );
  const metricRows = useMemo(
    () =>
      buildValueRows(
        metricKeys,
        runs.map((run) => ({ values: run.metrics })),
      ),
    [metricKeys, runs],
  );
  const shownParams = useMemo(() => visibleRows(paramRows, differencesOnly), [paramRows, differencesOnly]);
  const shownMetrics = useMemo(() => visibleRows(metricRows, differencesOnly), [metricRows, differencesOnly]);
  const hiddenCount = paramRows.length - shownParams.length + metricRows.length - shownMetrics.length;
  const Table = runs.length <= RUNS_AS_COLUMNS_LIMIT ? ValuesByKeyTable : ValuesByRunTable;

  return (
    <section aria-labelledby="values-heading" className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="values-heading" className="text-lg font-semibold text-slate-900">
          Parameters and latest metrics
        </h2>
        <label className="flex cursor-pointer items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            checked={differencesOnly}
            onChange={(event) => onDifferencesOnlyChange(event.target.checked)}
            className="h-4 w-4 accent-indigo-600"
            data-testid="differences-only"
          />
          Differences only
          {differencesOnly && hiddenCount > 0 && (
            <span className="text-xs text-slate-500">({hiddenCount} identical hidden)</span>
          )}
        </label>
      </div>
      {shownParams.length === 0 && shownMetrics.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
          {differencesOnly
            ? "All runs share the same parameters and metrics."
            : "These runs logged no parameters or metrics."}
        </p>
      ) : (
        <Table runs={runs} colors={colors} paramRows={shownParams} metricRows={shownMetrics} />
      )}
    </section>
  );
});
