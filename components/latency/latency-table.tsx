import { tableClasses } from "@/components/ui/table-classes";
import type { RouterOutputs } from "@/trpc/react";
import { formatCount, formatRate, formatRatio, formatSeconds, lineLabel } from "@/components/latency/latency-format";

type Dashboard = RouterOutputs["latency"]["dashboard"];
type Row = Dashboard["rows"][number];
type Column = keyof Dashboard["queries"]["summary"];

const COLUMNS: Array<{ key: Column; label: string; format: (row: Row) => string }> = [
  { key: "requests", label: "Requests", format: (r) => formatCount(r.requests) },
  { key: "rps", label: "Requests/s", format: (r) => formatRate(r.rps) },
  { key: "errorRatio", label: "Errors (5xx)", format: (r) => formatRatio(r.errorRatio) },
  { key: "clientErrorRatio", label: "Rejected (4xx)", format: (r) => formatRatio(r.clientErrorRatio) },
  { key: "p50", label: "p50", format: (r) => formatSeconds(r.p50) },
  { key: "p95", label: "p95", format: (r) => formatSeconds(r.p95) },
  { key: "p99", label: "p99", format: (r) => formatSeconds(r.p99) },
];

/**
 * Totals over the whole range per endpoint × variant. Each cell carries the PromQL and evaluation time that
 * produced it (data-query, data-time), so anyone can check the number against Prometheus.
 */
export function LatencyTable({ dashboard }: { dashboard: Dashboard }) {
  const time = String(dashboard.end.getTime() / 1000);
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="latency-table" data-time={time}>
        <thead className={tableClasses.head}>
          <tr>
            <th scope="col" className={tableClasses.th}>
              Endpoint / variant
            </th>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={`${tableClasses.th} text-right`}
                title={dashboard.queries.summary[c.key]}
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {dashboard.rows.map((row) => (
            <tr
              key={`${row.endpoint}/${row.variant}`}
              className={tableClasses.row}
              data-endpoint={row.endpoint}
              data-variant={row.variant}
            >
              <th scope="row" className={`${tableClasses.td} text-left font-medium`}>
                {lineLabel(row.endpoint, row.variant)}
              </th>
              {COLUMNS.map((c) => (
                <td
                  key={c.key}
                  className={`${tableClasses.td} ${tableClasses.numeric}`}
                  data-metric={c.key}
                  data-value={row[c.key] === null ? "" : String(row[c.key])}
                  data-query={dashboard.queries.summary[c.key]}
                  data-time={time}
                >
                  {c.format(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
