import Link from "next/link";
import { formatDate } from "@/lib/format";
import type { AbTestSummary } from "@/components/abtests/ab-test-types";
import { AbTestStatusBadge } from "@/components/abtests/ab-test-status-badge";
import { abTestHref, formatDays, metricLabel } from "@/components/abtests/ab-test-format";
import { tableClasses as t } from "@/components/ui/table-classes";

/** One row per test: where it runs, its arms and split, what it decides on, and how long it was planned to take. */
export function AbTestsTable({ rows }: { rows: readonly AbTestSummary[] }) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="ab-tests-table">
        <thead className={t.head}>
          <tr>
            <th className={t.th}>Test</th>
            <th className={t.th}>Status</th>
            <th className={t.th}>Endpoint</th>
            <th className={t.th}>Arms (traffic)</th>
            <th className={t.th}>Primary metric</th>
            <th className={`${t.th} ${t.numeric}`}>Planned duration</th>
            <th className={t.th}>Set up</th>
          </tr>
        </thead>
        <tbody className={t.body}>
          {rows.map((test) => (
            <tr key={test.id} className={t.row}>
              <td className={t.td}>
                <Link href={abTestHref(test.id)} className="font-medium text-indigo-700 hover:underline">
                  {test.name}
                </Link>
              </td>
              <td className={t.td}>
                <AbTestStatusBadge status={test.status} />
              </td>
              <td className={t.td}>
                {test.endpoint.name}
                <span className="ml-1 text-xs text-slate-500">({test.model.name})</span>
              </td>
              <td className={t.td}>{test.arms.map((arm) => `v${arm.version} ${arm.weight} %`).join(" · ")}</td>
              <td className={t.td}>{metricLabel(test.preRegistration.primaryMetric)}</td>
              <td className={`${t.td} ${t.numeric}`}>{formatDays(test.preRegistration.expectedDays)}</td>
              <td className={t.td}>
                {test.createdBy.name}, {formatDate(test.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
