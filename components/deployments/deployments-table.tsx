"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { modelHref, versionHref } from "@/components/registry/format";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { deploymentHref, ENVIRONMENT_LABELS, TARGET_LABELS } from "@/components/deployments/labels";

type DeploymentRow = RouterOutputs["deployments"]["list"][number];

const column = createColumnHelper<DeploymentRow>();

const COLUMNS = [
  column.accessor((row) => row.promotion.version.model.name, {
    id: "model",
    header: "Model",
    cell: ({ getValue }) => (
      <Link href={modelHref(getValue())} className="font-medium text-indigo-700 hover:underline">
        {getValue()}
      </Link>
    ),
  }),
  column.accessor((row) => row.promotion.version.version, {
    id: "version",
    header: "Version",
    cell: ({ row, getValue }) => (
      <Link
        href={versionHref(row.original.promotion.version.model.name, getValue())}
        className="font-mono hover:underline"
      >
        v{getValue()}
      </Link>
    ),
  }),
  column.accessor((row) => row.endpoint.name, {
    id: "endpoint",
    header: "Endpoint",
    cell: ({ getValue }) => <span className="font-mono">{getValue()}</span>,
  }),
  column.accessor((row) => row.endpoint.environment, {
    id: "environment",
    header: "Environment",
    cell: ({ getValue }) => ENVIRONMENT_LABELS[getValue()],
  }),
  column.accessor((row) => row.endpoint.target, {
    id: "target",
    header: "Target",
    cell: ({ getValue }) => TARGET_LABELS[getValue()],
  }),
  column.accessor("status", {
    header: "Status",
    cell: ({ getValue }) => <DeploymentStatusBadge status={getValue()} />,
  }),
  column.accessor("createdAt", {
    header: "Started",
    cell: ({ row, getValue }) => (
      <time dateTime={getValue().toISOString()} title={formatDateTime(getValue())}>
        {formatRelative(getValue())}{" "}
        <span className="text-slate-500">by {row.original.promotion.requestedBy.name}</span>
      </time>
    ),
  }),
  column.display({
    id: "open",
    header: "",
    cell: ({ row }) => (
      <Link
        href={deploymentHref(row.original.id)}
        className="text-indigo-700 hover:underline"
        data-testid="open-deployment"
      >
        View
        <span className="sr-only">
          {" "}
          deployment of {row.original.promotion.version.model.name} v{row.original.promotion.version.version}
        </span>
      </Link>
    ),
  }),
];

export function DeploymentsTable({ rows }: { rows: DeploymentRow[] }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: rows,
    columns: COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });
  return (
    <DataTable
      table={table}
      testId="deployments-table"
      rowTestId="deployment-row"
      rowData={(row) => ({ "data-status": row.original.status })}
    />
  );
}
