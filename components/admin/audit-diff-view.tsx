import { cn } from "@/lib/cn";
import { diffAuditValues, formatDiffValue, type DiffChange } from "@/components/admin/audit-diff";

const ROW_TONE: Record<DiffChange, string> = {
  changed: "bg-amber-50",
  added: "bg-emerald-50",
  removed: "bg-rose-50",
  unchanged: "",
};

const CHANGE_LABEL: Record<DiffChange, string> = {
  changed: "changed",
  added: "added",
  removed: "removed",
  unchanged: "",
};

/** Before and after, key by key; changed keys are highlighted and labelled for screen readers. */
export function AuditDiffView({ before, after }: { before: unknown; after: unknown }) {
  const entries = diffAuditValues(before, after);
  if (entries.length === 0) return <p className="text-sm text-slate-500">No details were recorded for this change.</p>;
  return (
    <table className="w-full table-fixed text-left text-xs" data-testid="audit-diff">
      <thead className="text-slate-500">
        <tr>
          <th scope="col" className="w-48 px-2 py-1 font-medium">
            Field
          </th>
          <th scope="col" className="px-2 py-1 font-medium">
            Before
          </th>
          <th scope="col" className="px-2 py-1 font-medium">
            After
          </th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {entries.map((entry) => (
          <tr key={entry.key} className={ROW_TONE[entry.change]} data-change={entry.change}>
            <th scope="row" className="px-2 py-1 align-top font-semibold text-slate-700">
              {entry.key}
              {entry.change !== "unchanged" && (
                <span className="ml-2 font-sans text-[10px] font-medium uppercase tracking-wide text-slate-500">
                  {CHANGE_LABEL[entry.change]}
                </span>
              )}
            </th>
            <td
              className={cn(
                "break-words px-2 py-1 align-top",
                entry.change === "changed" || entry.change === "removed" ? "text-rose-800" : "text-slate-600",
              )}
            >
              {formatDiffValue(entry.before)}
            </td>
            <td
              className={cn(
                "break-words px-2 py-1 align-top",
                entry.change === "changed" || entry.change === "added" ? "text-emerald-800" : "text-slate-600",
              )}
            >
              {formatDiffValue(entry.after)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
