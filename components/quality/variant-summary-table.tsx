"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { DataTable } from "@/components/ui/data-table";
import { EstimateValue } from "@/components/quality/estimate-value";
import {
  formatCount,
  formatShare,
  formatValue,
  NO_DATA,
  type QualityEndpoint,
  type QualityEstimate,
  type QualityVariant,
} from "@/components/quality/quality-format";

const column = createColumnHelper<QualityVariant>();

function estimateColumn(
  id: string,
  header: string,
  pick: (v: QualityVariant) => QualityEstimate | undefined,
  min: number,
) {
  return column.display({
    id,
    header,
    meta: { numeric: true, keepCase: true },
    cell: ({ row }) => {
      const estimate = pick(row.original);
      return estimate ? (
        <EstimateValue
          estimate={estimate}
          label={`${header} of ${row.original.variantName}`}
          minLabelled={min}
          testId={`quality-${id}`}
        />
      ) : (
        NO_DATA
      );
    },
  });
}

function columnsFor(endpoint: QualityEndpoint, minLabelled: number) {
  const metrics =
    endpoint.kind === "regression"
      ? [
          estimateColumn("mae", "MAE", (v) => v.total.regression?.mae, minLabelled),
          estimateColumn("rmse", "RMSE", (v) => v.total.regression?.rmse, minLabelled),
        ]
      : [estimateColumn("accuracy", "Accuracy", (v) => v.total.classification?.accuracy, minLabelled)];
  return [
    column.accessor("variantName", {
      header: "Variant",
      cell: ({ getValue }) => <span className="font-mono">{getValue()}</span>,
    }),
    ...metrics,
    ...(endpoint.kind === "classification"
      ? [
          column.display({
            id: "ece",
            header: "ECE",
            meta: { numeric: true, keepCase: true },
            cell: ({ row }) => {
              const ece = row.original.total.classification?.calibration?.expectedCalibrationError ?? null;
              return (
                <span data-testid="quality-ece" data-value={ece === null ? "" : String(ece)}>
                  {formatValue(ece)}
                </span>
              );
            },
          }),
        ]
      : []),
    column.display({
      id: "labelled",
      header: "Labelled rows",
      meta: { numeric: true },
      cell: ({ row }) => (
        <span data-testid="quality-labelled" data-value={String(row.original.total.labelled)}>
          {formatCount(row.original.total.labelled)}
          {row.original.total.unusable > 0 && (
            <span className="block text-xs text-slate-500">{formatCount(row.original.total.unusable)} unusable</span>
          )}
        </span>
      ),
    }),
    column.display({
      id: "unknown",
      header: "Outcome unknown",
      meta: { numeric: true },
      cell: ({ row }) => {
        const { unknownShare, captured, known } = row.original.total;
        return (
          <span
            data-testid="quality-unknown-share"
            data-value={unknownShare === null ? "" : String(unknownShare)}
            data-captured={captured === null ? "" : String(captured)}
            data-known={known === null ? "" : String(known)}
          >
            {formatShare(unknownShare)}
            {captured !== null && known !== null && (
              <span className="block text-xs text-slate-500">
                {formatCount(captured - Math.min(known, captured))} of {formatCount(captured)} captured predictions
              </span>
            )}
          </span>
        );
      },
    }),
  ];
}

/** One row per variant over the whole range: the headline metric, calibration error, rows behind them, unknown share. */
export function VariantSummaryTable({ endpoint, minLabelled }: { endpoint: QualityEndpoint; minLabelled: number }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: endpoint.variants,
    columns: columnsFor(endpoint, minLabelled),
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.variantName,
  });
  return (
    <DataTable
      table={table}
      testId={`quality-variants-${endpoint.endpointName}`}
      rowTestId="quality-variant-row"
      wrapCells
      rowData={(row) => ({ "data-endpoint": endpoint.endpointName, "data-variant": row.original.variantName })}
    />
  );
}
