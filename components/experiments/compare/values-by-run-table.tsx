"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { IntentLink } from "@/components/ui/intent-link";
import { useRef } from "react";
import type { ValueRow } from "@/components/experiments/compare/diff";
import { formatMetric } from "@/components/experiments/shared/format";
import type { RouterOutputs } from "@/trpc/react";
import { tableClasses as t } from "@/components/ui/table-classes";
import { VirtualSpacerRow } from "@/components/ui/virtual-spacer-row";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  paramRows: ValueRow<string>[];
  metricRows: ValueRow<number>[];
};

const ROW_HEIGHT = 37;

/**
 * Many runs: one row per run, one column per param and metric, in a scrolling box. Rows are
 * virtualised: 200 rendered rows inside a scroller make every repaint on the page (chart hovers
 * included) expensive for the browser's compositor.
 */
export function ValuesByRunTable({ runs, colors, paramRows, metricRows }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns fresh functions each render by design; this component is not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: runs.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const columnCount = 1 + paramRows.length + metricRows.length;

  return (
    <div ref={scrollRef} className="max-h-[32rem] overflow-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className={t.table} data-testid="compare-values" aria-rowcount={runs.length + 2}>
        <thead className={`${t.head} sticky top-0 z-10`}>
          <tr className="bg-slate-50">
            <th scope="col" rowSpan={2} className={t.th}>
              Run
            </th>
            {paramRows.length > 0 && (
              <th
                scope="colgroup"
                colSpan={paramRows.length}
                className={`${t.th} border-l border-slate-200 text-center`}
              >
                Parameters
              </th>
            )}
            {metricRows.length > 0 && (
              <th
                scope="colgroup"
                colSpan={metricRows.length}
                className={`${t.th} border-l border-slate-200 text-center`}
              >
                Latest metrics
              </th>
            )}
          </tr>
          <tr className="bg-slate-50">
            {paramRows.map((row, i) => (
              <th
                key={`p:${row.key}`}
                scope="col"
                className={`${t.th} font-mono normal-case ${i === 0 ? "border-l border-slate-200" : ""}`}
              >
                {row.key}
              </th>
            ))}
            {metricRows.map((row, i) => (
              <th
                key={`m:${row.key}`}
                scope="col"
                className={`${t.th} text-right font-mono normal-case ${i === 0 ? "border-l border-slate-200" : ""}`}
              >
                {row.key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={t.body}>
          <VirtualSpacerRow height={paddingTop} columns={columnCount} />
          {items.map((item) => {
            const run = runs[item.index];
            if (!run) return null;
            return (
              <tr
                key={run.id}
                className="hover:bg-slate-50"
                style={{ height: ROW_HEIGHT }}
                aria-rowindex={item.index + 3}
              >
                <th scope="row" className="whitespace-nowrap px-3 py-2 text-left font-medium">
                  <IntentLink
                    href={`/experiments/${run.experimentId}/runs/${run.id}`}
                    className="flex items-center gap-1.5 text-slate-800 hover:text-indigo-700"
                  >
                    <span
                      className="h-2.5 w-2.5 shrink-0 rounded-full"
                      style={{ backgroundColor: colors.get(run.id) }}
                      aria-hidden
                    />
                    {run.name}
                  </IntentLink>
                </th>
                {paramRows.map((row, i) => {
                  const value = row.values[item.index];
                  return (
                    <td
                      key={`p:${row.key}`}
                      className={`max-w-48 truncate px-3 py-2 font-mono text-xs ${i === 0 ? "border-l border-slate-100" : ""}`}
                      title={value}
                    >
                      {value ?? <span className="text-slate-300">—</span>}
                    </td>
                  );
                })}
                {metricRows.map((row, i) => {
                  const value = row.values[item.index];
                  return (
                    <td
                      key={`m:${row.key}`}
                      className={`px-3 py-2 text-right text-xs tabular-nums ${i === 0 ? "border-l border-slate-100" : ""}`}
                    >
                      {value === undefined ? <span className="text-slate-300">—</span> : formatMetric(value)}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          <VirtualSpacerRow height={paddingBottom} columns={columnCount} />
        </tbody>
      </table>
    </div>
  );
}
