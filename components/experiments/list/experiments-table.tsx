"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { DemoBadge } from "@/components/ui/demo-badge";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";

type ExperimentRow = RouterOutputs["experiments"]["list"]["items"][number];

const column = createColumnHelper<ExperimentRow>();

const COLUMNS = [
  column.accessor("name", {
    header: "Experiment",
    meta: { className: "max-w-xl" },
    cell: ({ row }) => (
      <>
        <div className="flex items-center gap-2">
          <Link href={`/experiments/${row.original.id}`} className="font-medium text-indigo-700 hover:underline">
            {row.original.name}
          </Link>
          {row.original.isDemo && <DemoBadge />}
        </div>
        {row.original.description && (
          <p className="mt-0.5 truncate text-xs text-slate-500">{row.original.description}</p>
        )}
      </>
    ),
  }),
  column.accessor("teamName", {
    header: "Team",
    cell: ({ getValue }) => getValue() ?? <span className="text-slate-500">—</span>,
  }),
  column.accessor("runCount", {
    header: "Runs",
    meta: { numeric: true },
    cell: ({ getValue }) => getValue().toLocaleString(),
  }),
  column.accessor("lastRunAt", {
    header: "Last run",
    cell: ({ getValue }) => {
      const lastRunAt = getValue();
      return lastRunAt ? (
        <time dateTime={lastRunAt.toISOString()} title={formatDateTime(lastRunAt)}>
          {formatRelative(lastRunAt)}
        </time>
      ) : (
        <span className="text-slate-500">No runs yet</span>
      );
    },
  }),
];

export function ExperimentsTable({ experiments }: { experiments: ExperimentRow[] }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: experiments,
    columns: COLUMNS,
    getRowId: (row) => row.id,
    getCoreRowModel: getCoreRowModel(),
  });
  return <DataTable table={table} testId="experiments-table" />;
}
