"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { DemoBadge } from "@/components/ui/demo-badge";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { driftEndpointHref, driftFeatureHref, formatWindow } from "@/components/drift/drift-format";
import { DriftStatusBadge } from "@/components/drift/drift-status-badge";
import { PsiValue } from "@/components/drift/psi-value";

type FleetRow = RouterOutputs["drift"]["fleet"][number];

const column = createColumnHelper<FleetRow>();

const COLUMNS = [
  column.accessor("modelName", {
    header: "Model",
    cell: ({ row, getValue }) => (
      <span className="flex items-center gap-2">
        <span className="font-medium">{getValue()}</span>
        {row.original.isDemo && <DemoBadge />}
      </span>
    ),
  }),
  column.accessor("endpointName", {
    header: "Endpoint",
    cell: ({ row, getValue }) => (
      <Link
        href={driftEndpointHref(row.original.endpointId, row.original.variantName)}
        className="font-mono text-indigo-700 hover:underline"
      >
        {getValue()}
      </Link>
    ),
  }),
  column.accessor("variantName", {
    header: "Variant",
    cell: ({ row, getValue }) => (
      <span className="font-mono">
        {getValue()}{" "}
        <span className="text-slate-500">
          v{row.original.version} · {row.original.weight}%
        </span>
      </span>
    ),
  }),
  column.display({
    id: "worst",
    header: "Worst feature",
    cell: ({ row }) => {
      const worst = row.original.report?.worstFeature;
      if (!row.original.hasReference)
        return <span className="text-slate-500">No reference profile (drift cannot be measured)</span>;
      if (!worst) return <span className="text-slate-500">–</span>;
      return (
        <span className="flex flex-col">
          <Link
            href={driftFeatureHref(row.original.endpointId, worst.name, row.original.variantName)}
            className="font-mono text-indigo-700 hover:underline"
          >
            {worst.name}
          </Link>
          <PsiValue
            psi={worst.psi}
            sampleSize={worst.sampleSize}
            referenceSize={worst.referenceSize}
            expectedPsi={worst.expectedPsi}
            noiseCeiling={worst.noiseCeiling}
          />
        </span>
      );
    },
  }),
  column.accessor((row) => row.report?.status ?? null, {
    id: "status",
    header: "Status",
    cell: ({ getValue }) => <DriftStatusBadge status={getValue()} />,
  }),
  column.accessor((row) => row.report?.windowEnd ?? null, {
    id: "scanned",
    header: "Last scan",
    cell: ({ row, getValue }) => {
      const end = getValue();
      const report = row.original.report;
      if (!end || !report) return <span className="text-slate-500">never</span>;
      const seconds = Math.round((report.windowEnd.getTime() - report.windowStart.getTime()) / 1000);
      return (
        <time dateTime={end.toISOString()} title={formatDateTime(end)}>
          {formatRelative(end)} <span className="text-slate-500">({formatWindow(seconds)} window)</span>
        </time>
      );
    },
  }),
];

export function DriftFleetTable({ rows }: { rows: FleetRow[] }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => `${row.endpointId}:${row.variantName}`,
  });
  return (
    <DataTable
      table={table}
      testId="drift-fleet-table"
      rowTestId="drift-fleet-row"
      wrapCells
      rowData={(row) => ({
        "data-endpoint": row.original.endpointName,
        "data-status": row.original.report?.status ?? "NONE",
      })}
    />
  );
}
