"use client";

import { flexRender, getCoreRowModel, useReactTable, type RowSelectionState, type Updater } from "@tanstack/react-table";
import { useMemo } from "react";
import { ariaSort, type ValueColumn } from "@/lib/experiments-columns";
import { applySelection, selectionRecord } from "@/lib/experiments-selection";
import type { SortDir } from "@/lib/experiments-url";
import { buildRunColumns, HEADER_LABELS, SORTABLE_BASE_COLUMNS, type RunRow } from "./run-columns";
import { SortHeader } from "./sort-header";
import { tableClasses as t } from "./table-classes";

type Props = {
  experimentId: string;
  runs: RunRow[];
  valueColumns: ValueColumn[];
  sort: { sortBy: string; sortDir: SortDir };
  onSort: (columnId: string) => void;
  selected: string[];
  onSelectionChange: (selected: string[]) => void;
};

// No sticky columns on purpose: a sticky cell per row (up to 200) makes every repaint expensive.
const COLUMN_CLASSES: Record<string, string> = { select: "w-10" };

export function RunsTable({ experimentId, runs, valueColumns, sort, onSort, selected, onSelectionChange }: Props) {
  const columns = useMemo(() => buildRunColumns(experimentId, valueColumns), [experimentId, valueColumns]);
  const valueById = useMemo(() => new Map(valueColumns.map((c) => [c.id, c])), [valueColumns]);
  const rowSelection = useMemo(() => selectionRecord(selected), [selected]);

  // TanStack Table returns fresh functions each render by design; this component is simply not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: runs,
    columns,
    getRowId: (run) => run.id,
    getCoreRowModel: getCoreRowModel(),
    manualPagination: true,
    manualSorting: true,
    enableRowSelection: true,
    state: { rowSelection },
    onRowSelectionChange: (updater: Updater<RowSelectionState>) => {
      const next = typeof updater === "function" ? updater(rowSelection) : updater;
      onSelectionChange(applySelection(selected, next));
    },
  });

  function headerContent(columnId: string) {
    const value = valueById.get(columnId);
    const label = value ? value.key : (HEADER_LABELS[columnId] ?? columnId);
    const sortable = value !== undefined || SORTABLE_BASE_COLUMNS.has(columnId);
    if (!sortable) return label;
    const direction = sort.sortBy === columnId ? sort.sortDir : null;
    return <SortHeader label={label} direction={direction} onSort={() => onSort(columnId)} numeric={value?.kind === "metric"} keepCase={value !== undefined} />;
  }

  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="runs-table">
        <thead className={t.head}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} className="bg-slate-50">
              {group.headers.map((header) => {
                const id = header.column.id;
                const value = valueById.get(id);
                const sortable = value !== undefined || SORTABLE_BASE_COLUMNS.has(id);
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={sortable ? ariaSort(sort, id) : undefined}
                    className={`${t.th} ${COLUMN_CLASSES[id] ?? ""} ${value?.kind === "metric" ? "text-right" : ""}`}
                  >
                    {id === "select" ? flexRender(header.column.columnDef.header, header.getContext()) : headerContent(id)}
                    {value && <span className="ml-1 text-[10px] font-normal normal-case text-slate-400">{value.kind}</span>}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className={t.body}>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className={`${row.getIsSelected() ? "bg-indigo-50/60" : "bg-white"} hover:bg-slate-50`}>
              {row.getVisibleCells().map((cell) => {
                const kind = valueById.get(cell.column.id)?.kind;
                return (
                  <td key={cell.id} className={`${t.td} ${COLUMN_CLASSES[cell.column.id] ?? ""} ${kind === "metric" ? t.numeric : ""}`}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
