"use client";

import { getCoreRowModel, useReactTable, type RowSelectionState, type Updater } from "@tanstack/react-table";
import { useMemo, type ReactNode } from "react";
import type { ServerSort } from "@/components/ui/header-cell";
import { VirtualDataTable } from "@/components/ui/virtual-data-table";
import type { ValueColumn } from "@/components/experiments/shared/columns";
import { applySelection, selectionRecord } from "@/components/experiments/runs/selection";
import type { SortDir } from "@/components/experiments/shared/url";
import { buildRunColumns, SORTABLE_BASE_COLUMNS, type RunRow } from "@/components/experiments/runs/run-columns";

type Props = {
  experimentId: string;
  runs: RunRow[];
  total: number;
  valueColumns: ValueColumn[];
  sort: { sortBy: string; sortDir: SortDir };
  onSort: (columnId: string) => void;
  selected: string[];
  onSelectionChange: (selected: string[]) => void;
  onNearEnd: () => void;
  footer: ReactNode;
};

// No sticky columns on purpose: a sticky cell per row makes every repaint expensive.
export function RunsTable({
  experimentId,
  runs,
  total,
  valueColumns,
  sort,
  onSort,
  selected,
  onSelectionChange,
  onNearEnd,
  footer,
}: Props) {
  const columns = useMemo(() => buildRunColumns(experimentId, valueColumns), [experimentId, valueColumns]);
  const rowSelection = useMemo(() => selectionRecord(selected), [selected]);
  const serverSort: ServerSort = useMemo(() => {
    const valueIds = new Set(valueColumns.map((c) => c.id));
    return { ...sort, onSort, canSort: (id) => valueIds.has(id) || SORTABLE_BASE_COLUMNS.has(id) };
  }, [sort, onSort, valueColumns]);

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

  return (
    <VirtualDataTable
      table={table}
      testId="runs-table"
      label="Runs"
      totalRows={total}
      rowClassName={(row) => `${row.getIsSelected() ? "bg-indigo-50/60" : "bg-white"} hover:bg-slate-50`}
      sort={serverSort}
      onNearEnd={onNearEnd}
      footer={footer}
    />
  );
}
