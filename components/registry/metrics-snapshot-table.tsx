import { formatMetric } from "@/components/registry/format";
import { tableClasses } from "@/components/ui/table-classes";

/** The source run's metric values as they were when the version was registered. */
export function MetricsSnapshotTable({ metrics }: { metrics: Record<string, number> }) {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0)
    return (
      <p className="text-sm text-slate-500">The source run had logged no metrics when this version was registered.</p>
    );
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="metrics-snapshot">
        <thead className={tableClasses.head}>
          <tr>
            <th scope="col" className={tableClasses.th}>
              Metric
            </th>
            <th scope="col" className={`${tableClasses.th} text-right`}>
              Value
            </th>
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {entries.map(([key, value]) => (
            <tr key={key} className={tableClasses.row}>
              <td className={`${tableClasses.tdWrap} font-mono`}>{key}</td>
              <td className={`${tableClasses.tdWrap} ${tableClasses.numeric}`} title={String(value)}>
                {formatMetric(value)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
