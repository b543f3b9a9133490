import { createColumnHelper, type ColumnDef, type Row } from "@tanstack/react-table";
import { IntentLink } from "@/components/ui/intent-link";
import type { ValueColumn } from "@/components/experiments/shared/columns";
import { MAX_COMPARE_RUNS } from "@/components/experiments/shared/url";
import { formatDateTime, formatDuration } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { MetricCell } from "@/components/experiments/runs/metric-cell";
import { ParamCell } from "@/components/experiments/runs/param-cell";
import { RunStatusBadge } from "@/components/experiments/shared/run-status-badge";
import { SelectCheckbox } from "@/components/experiments/runs/select-checkbox";

export type RunRow = RouterOutputs["experiments"]["runs"]["items"][number];

const column = createColumnHelper<RunRow>();

/** Columns the server can sort by; their ids are the server's sort keys. */
export const SORTABLE_BASE_COLUMNS = new Set(["name", "status", "user", "startTime", "duration"]);

const HEADER_LABELS = {
  name: "Run",
  status: "Status",
  user: "User",
  startTime: "Started",
  duration: "Duration",
} as const;

/** Adds loaded rows in table order until the selection holds as many runs as compare takes. */
function withFirstRows(current: Record<string, boolean>, rows: readonly Row<RunRow>[]): Record<string, boolean> {
  const next = { ...current };
  let count = Object.values(next).filter(Boolean).length;
  for (const row of rows) {
    if (count >= MAX_COMPARE_RUNS) break;
    if (next[row.id]) continue;
    next[row.id] = true;
    count += 1;
  }
  return next;
}

export function buildRunColumns(experimentId: string, valueColumns: readonly ValueColumn[]): ColumnDef<RunRow>[] {
  return [
    column.display({
      id: "select",
      meta: { className: "w-10" },
      header: ({ table }) => {
        const rows = table.getRowModel().rows;
        const selectedRows = rows.filter((row) => row.getIsSelected()).length;
        return (
          <SelectCheckbox
            label={`Select loaded runs, up to ${MAX_COMPARE_RUNS}`}
            checked={selectedRows > 0 && selectedRows === rows.length}
            indeterminate={selectedRows > 0 && selectedRows < rows.length}
            onChange={() =>
              selectedRows > 0
                ? table.toggleAllRowsSelected(false)
                : table.setRowSelection((current) => withFirstRows(current, rows))
            }
          />
        );
      },
      cell: ({ row }) => (
        <SelectCheckbox
          label={`Select run ${row.original.name}`}
          checked={row.getIsSelected()}
          onChange={row.getToggleSelectedHandler()}
        />
      ),
    }),
    column.display({
      id: "name",
      header: HEADER_LABELS.name,
      cell: ({ row }) => (
        <IntentLink
          href={`/experiments/${experimentId}/runs/${row.original.id}`}
          className="font-medium text-indigo-700 hover:underline"
        >
          {row.original.name}
        </IntentLink>
      ),
    }),
    column.display({
      id: "status",
      header: HEADER_LABELS.status,
      cell: ({ row }) => <RunStatusBadge status={row.original.status} />,
    }),
    column.display({ id: "user", header: HEADER_LABELS.user, cell: ({ row }) => row.original.userName }),
    column.display({
      id: "startTime",
      header: HEADER_LABELS.startTime,
      cell: ({ row }) => (
        <time dateTime={row.original.startTime.toISOString()}>{formatDateTime(row.original.startTime)}</time>
      ),
    }),
    column.display({
      id: "duration",
      header: HEADER_LABELS.duration,
      cell: ({ row }) => (
        <span className="tabular-nums">{formatDuration(row.original.startTime, row.original.endTime)}</span>
      ),
    }),
    ...valueColumns.map((value) =>
      column.display({
        id: value.id,
        header: value.key,
        meta: {
          numeric: value.kind === "metric",
          keepCase: true,
          headerSuffix: <span className="ml-1 text-[10px] font-normal normal-case text-slate-500">{value.kind}</span>,
        },
        cell: ({ row }) =>
          value.kind === "metric" ? (
            <MetricCell value={row.original.metrics[value.key]} />
          ) : (
            <ParamCell value={row.original.params[value.key]} />
          ),
      }),
    ),
  ];
}
