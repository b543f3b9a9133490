"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { DataTable } from "@/components/ui/data-table";
import { EstimateValue } from "@/components/quality/estimate-value";
import type { QualityEndpoint, QualityEstimate } from "@/components/quality/quality-format";

type ClassRow = {
  variantName: string;
  label: string;
  precision: QualityEstimate;
  recall: QualityEstimate;
  f1: QualityEstimate;
};

const column = createColumnHelper<ClassRow>();

const METRICS = [
  { id: "precision", header: "Precision" },
  { id: "recall", header: "Recall" },
  { id: "f1", header: "F1" },
] as const;

function columns(minLabelled: number) {
  return [
    column.accessor("variantName", {
      header: "Variant",
      cell: ({ getValue }) => <span className="font-mono">{getValue()}</span>,
    }),
    column.accessor("label", {
      header: "Class",
      meta: { keepCase: true },
      cell: ({ getValue }) => <span className="font-mono">{getValue()}</span>,
    }),
    ...METRICS.map((m) =>
      column.display({
        id: m.id,
        header: m.header,
        meta: { numeric: true, keepCase: true },
        cell: ({ row }) => (
          <EstimateValue
            estimate={row.original[m.id]}
            label={`${m.header} of class ${row.original.label}, ${row.original.variantName}`}
            minLabelled={minLabelled}
            testId={`quality-${m.id}`}
          />
        ),
      }),
    ),
  ];
}

/** Precision, recall and F1 per variant and class over the whole range. */
export function ClassMetricsTable({ endpoint, minLabelled }: { endpoint: QualityEndpoint; minLabelled: number }) {
  const rows: ClassRow[] = endpoint.variants.flatMap((v) =>
    (v.total.classification?.classes ?? []).map((c) => ({ variantName: v.variantName, ...c })),
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: rows,
    columns: columns(minLabelled),
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => `${row.variantName}:${row.label}`,
  });
  return (
    <DataTable
      table={table}
      testId={`quality-classes-${endpoint.endpointName}`}
      rowTestId="quality-class-row"
      wrapCells
      rowData={(row) => ({
        "data-endpoint": endpoint.endpointName,
        "data-variant": row.original.variantName,
        "data-class": row.original.label,
      })}
    />
  );
}
