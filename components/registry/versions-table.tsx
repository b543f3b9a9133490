"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { Download } from "lucide-react";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import type { RouterOutputs } from "@/trpc/react";
import { AliasBadge } from "@/components/registry/alias-badge";
import { artifactDownloadHref, formatMetric, FORMAT_LABELS, runHref, versionHref } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";

type VersionRow = RouterOutputs["registry"]["get"]["versions"][number];

const column = createColumnHelper<VersionRow>();
const METRIC_PREFIX = "metric:";

function columnsFor(modelName: string, keyMetrics: string[]) {
  return [
    column.accessor("version", {
      header: "Version",
      cell: ({ getValue }) => (
        <Link
          href={versionHref(modelName, getValue())}
          className="font-mono font-medium text-indigo-700 hover:underline"
        >
          v{getValue()}
        </Link>
      ),
    }),
    column.accessor("createdAt", {
      header: "Created",
      cell: ({ getValue }) => (
        <time className="whitespace-nowrap" dateTime={getValue().toISOString()}>
          {formatDateTime(getValue())}
        </time>
      ),
    }),
    column.accessor((v) => v.createdBy.name, {
      id: "createdBy",
      header: "By",
      cell: ({ getValue }) => <span className="whitespace-nowrap">{getValue()}</span>,
    }),
    column.accessor("format", { header: "Format", cell: ({ getValue }) => FORMAT_LABELS[getValue()] }),
    ...keyMetrics.map((key) =>
      column.accessor((v) => v.metrics[key], {
        id: `${METRIC_PREFIX}${key}`,
        header: key,
        meta: { numeric: true, keepCase: true },
        cell: ({ getValue }) => {
          const value = getValue();
          return value === undefined ? <span className="text-slate-300">–</span> : formatMetric(value);
        },
      }),
    ),
    column.accessor("aliases", {
      header: "Aliases",
      cell: ({ row, getValue }) => (
        <span className="flex flex-wrap gap-1">
          {getValue().map((alias) => (
            <AliasBadge key={alias} alias={alias} version={row.original.version} />
          ))}
        </span>
      ),
    }),
    column.accessor((v) => v.lineage.run, {
      id: "run",
      header: "Source run",
      cell: ({ getValue }) => {
        const run = getValue();
        if (!run) return <span className="text-slate-500">none</span>;
        return (
          <Link href={runHref(run)} className="hover:underline" title={`Experiment ${run.experimentName}`}>
            <span className="text-indigo-700">{run.name}</span>
            <span className="block text-xs text-slate-500">{run.experimentName}</span>
          </Link>
        );
      },
    }),
    column.accessor((v) => v.lineage.artifact, {
      id: "artifact",
      header: "Artifact",
      cell: ({ getValue }) => {
        const artifact = getValue();
        if (!artifact) return <span className="text-slate-500">none</span>;
        return (
          <a
            href={artifactDownloadHref(artifact.id)}
            className="inline-flex items-center gap-1 font-mono text-xs text-indigo-700 hover:underline"
            aria-label={`Download ${artifact.path}`}
          >
            <Download className="h-3.5 w-3.5" aria-hidden />
            {artifact.path}
          </a>
        );
      },
    }),
  ];
}

/** Versions newest first, with the metrics most versions report as columns and each version's lineage. */
export function VersionsTable({
  modelName,
  versions,
  keyMetrics,
}: {
  modelName: string;
  versions: VersionRow[];
  keyMetrics: string[];
}) {
  const columns = useMemo(() => columnsFor(modelName, keyMetrics), [modelName, keyMetrics]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({ data: versions, columns, getRowId: (v) => v.id, getCoreRowModel: getCoreRowModel() });
  if (versions.length === 0) {
    return (
      <EmptyState
        title="No versions yet"
        description="Register a version from a run: POST /api/v1/models/{name}/versions with the run id and artifact path."
      />
    );
  }
  return <DataTable table={table} testId="versions-table" rowTestId="version-row" wrapCells />;
}
