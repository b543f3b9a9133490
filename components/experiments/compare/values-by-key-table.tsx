import type { ValueRow } from "@/components/experiments/compare/diff";
import { formatMetric } from "@/components/experiments/shared/format";
import type { RouterOutputs } from "@/trpc/react";
import { tableClasses as t } from "@/components/ui/table-classes";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  paramRows: ValueRow<string>[];
  metricRows: ValueRow<number>[];
};

/** Few runs: one column per run, one row per param or metric; rows that differ are tinted. */
export function ValuesByKeyTable({ runs, colors, paramRows, metricRows }: Props) {
  const groups = [
    { title: "Parameters", rows: paramRows.map((row) => ({ ...row, cells: row.values.map((v) => v) })) },
    {
      title: "Latest metrics",
      rows: metricRows.map((row) => ({
        ...row,
        cells: row.values.map((v) => (v === undefined ? undefined : formatMetric(v))),
      })),
    },
  ].filter((group) => group.rows.length > 0);
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="compare-values">
        <thead className={t.head}>
          <tr>
            <th scope="col" className={`${t.th} sticky left-0 bg-slate-50`}>
              Key
            </th>
            {runs.map((run) => (
              <th key={run.id} scope="col" className={`${t.th} normal-case`}>
                <span className="flex items-center gap-1.5 normal-case tracking-normal text-slate-800">
                  <span
                    className="h-2.5 w-2.5 rounded-full"
                    style={{ backgroundColor: colors.get(run.id) }}
                    aria-hidden
                  />
                  {run.name}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.title} className={t.body}>
            <tr className="bg-slate-50/60">
              <th
                scope="colgroup"
                colSpan={runs.length + 1}
                className="px-3 py-1.5 text-left text-xs font-semibold text-slate-500"
              >
                {group.title}
              </th>
            </tr>
            {group.rows.map((row) => (
              <tr key={row.key} className={row.differs ? "bg-amber-50/50" : undefined}>
                <th
                  scope="row"
                  className="sticky left-0 bg-inherit px-3 py-2 text-left font-mono text-xs font-medium text-slate-600"
                >
                  {row.key}
                </th>
                {row.cells.map((cell, i) => (
                  <td
                    key={runs[i]?.id ?? i}
                    className="max-w-56 truncate px-3 py-2 font-mono text-xs text-slate-900"
                    title={cell}
                  >
                    {cell ?? <span className="text-slate-300">—</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}
