"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { deploymentHref, ENVIRONMENT_LABELS, TARGET_LABELS } from "@/components/deployments/labels";
import { modelHref } from "@/components/registry/format";
import { DataTable } from "@/components/ui/data-table";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { endpointHref } from "@/components/endpoints/endpoint-list-params";
import { VariantSummary } from "@/components/endpoints/variant-summary";

type EndpointRow = RouterOutputs["endpoints"]["list"]["items"][number];

const column = createColumnHelper<EndpointRow>();

const COLUMNS = [
  column.accessor("name", {
    header: "Endpoint",
    cell: ({ row, getValue }) => (
      <Link
        href={endpointHref(row.original.id)}
        className="font-mono text-indigo-700 hover:underline"
        data-testid="open-endpoint"
      >
        {getValue()}
      </Link>
    ),
  }),
  column.accessor((row) => row.model.name, {
    id: "model",
    header: "Model",
    cell: ({ getValue }) => (
      <Link href={modelHref(getValue())} className="font-medium hover:underline">
        {getValue()}
      </Link>
    ),
  }),
  column.accessor("environment", { header: "Environment", cell: ({ getValue }) => ENVIRONMENT_LABELS[getValue()] }),
  column.accessor("target", { header: "Target", cell: ({ getValue }) => TARGET_LABELS[getValue()] }),
  column.display({
    id: "serving",
    header: "Serving",
    cell: ({ row }) => <VariantSummary modelName={row.original.model.name} variants={row.original.variants} />,
  }),
  column.accessor("latestDeployment", {
    header: "Latest deployment",
    cell: ({ getValue }) => {
      const deployment = getValue();
      if (!deployment) return <span className="text-slate-500">none</span>;
      return (
        <Link href={deploymentHref(deployment.id)} className="hover:underline">
          <DeploymentStatusBadge status={deployment.status} />
        </Link>
      );
    },
  }),
  column.accessor("updatedAt", {
    header: "Last change",
    cell: ({ getValue }) => (
      <time dateTime={getValue().toISOString()} title={formatDateTime(getValue())}>
        {formatRelative(getValue())}
      </time>
    ),
  }),
];

export function EndpointsTable({ rows }: { rows: EndpointRow[] }) {
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
      testId="endpoints-table"
      rowTestId="endpoint-row"
      wrapCells
      rowData={(row) => ({
        "data-endpoint": row.original.name,
        "data-status": row.original.latestDeployment?.status ?? "NONE",
      })}
    />
  );
}
