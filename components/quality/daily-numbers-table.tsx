"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { DataTable } from "@/components/ui/data-table";
import { dailyMetrics } from "@/components/quality/daily-metrics";
import { EstimateValue } from "@/components/quality/estimate-value";
import {
  formatCount,
  formatShare,
  NO_DATA,
  type QualityEndpoint,
  type QualitySegment,
} from "@/components/quality/quality-format";

type DayRow = { day: string; variantName: string; segment: QualitySegment };

const column = createColumnHelper<DayRow>();

function columns(endpoint: QualityEndpoint, minLabelled: number) {
  return [
    column.accessor("day", {
      header: "Day (UTC)",
      cell: ({ getValue }) => <time dateTime={getValue()}>{getValue()}</time>,
    }),
    column.accessor("variantName", {
      header: "Variant",
      cell: ({ getValue }) => <span className="font-mono">{getValue()}</span>,
    }),
    ...dailyMetrics(endpoint).map((metric) =>
      column.display({
        id: metric.id,
        header: metric.title,
        meta: { numeric: true, keepCase: true },
        cell: ({ row }) => {
          const estimate = metric.pick(row.original.segment);
          return estimate ? (
            <EstimateValue
              estimate={estimate}
              label={`${metric.title} of ${row.original.variantName} on ${row.original.day}`}
              minLabelled={minLabelled}
              testId={`quality-day-${metric.id}`}
            />
          ) : (
            NO_DATA
          );
        },
      }),
    ),
    column.display({
      id: "labelled",
      header: "Labelled rows",
      meta: { numeric: true },
      cell: ({ row }) => formatCount(row.original.segment.labelled),
    }),
    column.display({
      id: "unknown",
      header: "Outcome unknown",
      meta: { numeric: true },
      cell: ({ row }) => (
        <span
          data-testid="quality-day-unknown-share"
          data-value={row.original.segment.unknownShare === null ? "" : String(row.original.segment.unknownShare)}
        >
          {formatShare(row.original.segment.unknownShare)}
        </span>
      ),
    }),
  ];
}

/** Every day × variant that has a labelled row or a captured prediction, newest first, with the numbers behind the charts. */
export function DailyNumbersTable({ endpoint, minLabelled }: { endpoint: QualityEndpoint; minLabelled: number }) {
  const rows: DayRow[] = endpoint.variants
    .flatMap((v) => v.days.map(({ day, ...segment }) => ({ day, variantName: v.variantName, segment })))
    .filter((r) => r.segment.labelled > 0 || r.segment.unusable > 0 || (r.segment.captured ?? 0) > 0)
    .sort((a, b) => b.day.localeCompare(a.day) || a.variantName.localeCompare(b.variantName));
  // eslint-disable-next-line react-hooks/incompatible-library -- the table object is used only during this render, never memoised.
  const table = useReactTable({
    data: rows,
    columns: columns(endpoint, minLabelled),
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => `${row.day}:${row.variantName}`,
  });
  if (rows.length === 0)
    return <p className="text-sm text-slate-500">No captured or labelled predictions in this range.</p>;
  return (
    <DataTable
      table={table}
      testId={`quality-days-${endpoint.endpointName}`}
      rowTestId="quality-day-row"
      wrapCells
      rowData={(row) => ({
        "data-endpoint": endpoint.endpointName,
        "data-variant": row.original.variantName,
        "data-day": row.original.day,
      })}
    />
  );
}
