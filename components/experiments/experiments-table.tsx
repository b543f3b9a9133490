import Link from "next/link";
import { DemoBadge } from "@/components/ui/demo-badge";
import { formatDateTime, formatRelative } from "@/lib/experiments-format";
import type { RouterOutputs } from "@/lib/trpc";
import { tableClasses as t } from "./table-classes";

type ExperimentRow = RouterOutputs["experiments"]["list"]["items"][number];

export function ExperimentsTable({ experiments }: { experiments: ExperimentRow[] }) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="experiments-table">
        <thead className={t.head}>
          <tr>
            <th scope="col" className={t.th}>Experiment</th>
            <th scope="col" className={t.th}>Team</th>
            <th scope="col" className={`${t.th} text-right`}>Runs</th>
            <th scope="col" className={t.th}>Last run</th>
          </tr>
        </thead>
        <tbody className={t.body}>
          {experiments.map((experiment) => (
            <tr key={experiment.id} className={t.row}>
              <td className="max-w-xl px-3 py-2.5">
                <div className="flex items-center gap-2">
                  <Link href={`/experiments/${experiment.id}`} className="font-medium text-indigo-700 hover:underline">
                    {experiment.name}
                  </Link>
                  {experiment.isDemo && <DemoBadge />}
                </div>
                {experiment.description && <p className="mt-0.5 truncate text-xs text-slate-500">{experiment.description}</p>}
              </td>
              <td className={t.td}>{experiment.teamName ?? <span className="text-slate-400">—</span>}</td>
              <td className={`${t.td} ${t.numeric}`}>{experiment.runCount.toLocaleString()}</td>
              <td className={t.td}>
                {experiment.lastRunAt ? (
                  <time dateTime={experiment.lastRunAt.toISOString()} title={formatDateTime(experiment.lastRunAt)}>
                    {formatRelative(experiment.lastRunAt)}
                  </time>
                ) : (
                  <span className="text-slate-400">No runs yet</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
