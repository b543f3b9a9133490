"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/ui/data-table";
import { DemoBadge } from "@/components/ui/demo-badge";
import type { RouterOutputs } from "@/trpc/react";
import { MODEL_SORTS } from "@/contracts/registry";
import { AliasBadge } from "@/components/registry/alias-badge";
import { modelHref, TASK_TYPE_LABELS, versionHref } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";
import type { ModelListParams, ModelSort } from "@/components/registry/model-list-params";
import { TagChip } from "@/components/registry/tag-chip";

type ModelRow = RouterOutputs["registry"]["list"]["items"][number];

const column = createColumnHelper<ModelRow>();

function columnsFor(activeTag: string, onTag: (tag: string) => void) {
  return [
    column.accessor("name", {
      header: "Name",
      cell: ({ row }) => (
        <span className="flex items-center gap-2">
          <Link href={modelHref(row.original.name)} className="font-medium text-indigo-700 hover:underline">
            {row.original.name}
          </Link>
          {row.original.isDemo && <DemoBadge />}
        </span>
      ),
    }),
    column.accessor("team", { header: "Team", enableSorting: false }),
    column.accessor("taskType", {
      header: "Task",
      enableSorting: false,
      cell: ({ getValue }) => TASK_TYPE_LABELS[getValue()],
    }),
    column.accessor("tags", {
      header: "Tags",
      enableSorting: false,
      cell: ({ getValue }) => (
        <span className="flex flex-wrap gap-1">
          {getValue().map((tag) => (
            <TagChip key={tag} tag={tag} active={tag === activeTag} onSelect={onTag} />
          ))}
        </span>
      ),
    }),
    column.accessor("latestVersion", {
      header: "Latest",
      cell: ({ row, getValue }) => {
        const latest = getValue();
        return latest === null ? (
          <span className="text-slate-500">none</span>
        ) : (
          <Link href={versionHref(row.original.name, latest)} className="font-mono hover:underline">
            v{latest}
          </Link>
        );
      },
    }),
    column.accessor("aliases", {
      header: "Aliases",
      enableSorting: false,
      cell: ({ getValue }) => (
        <span className="flex flex-wrap gap-1">
          {getValue().map((a) => (
            <AliasBadge key={a.alias} alias={a.alias} version={a.version} />
          ))}
        </span>
      ),
    }),
    column.accessor("updatedAt", {
      header: "Updated",
      cell: ({ getValue }) => <time dateTime={getValue().toISOString()}>{formatDateTime(getValue())}</time>,
    }),
  ];
}

const isModelSort = (id: string): id is ModelSort => (MODEL_SORTS as readonly string[]).includes(id);

type Props = {
  rows: ModelRow[];
  params: ModelListParams;
  onSort: (sort: ModelSort) => void;
  onTag: (tag: string) => void;
};

/** Sorting happens on the server; the table only shows which column and direction is active. */
export function ModelsTable({ rows, params, onSort, onTag }: Props) {
  const columns = useMemo(() => columnsFor(params.tag, onTag), [params.tag, onTag]);
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({ data: rows, columns, getRowId: (row) => row.id, getCoreRowModel: getCoreRowModel() });

  return (
    <DataTable
      table={table}
      testId="models-table"
      rowTestId="model-row"
      wrapCells
      sort={{
        sortBy: params.sort,
        sortDir: params.order,
        onSort: (id) => isModelSort(id) && onSort(id),
        canSort: isModelSort,
      }}
    />
  );
}
