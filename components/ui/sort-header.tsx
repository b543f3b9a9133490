import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";

export type SortDirection = "asc" | "desc";

type Props = {
  label: string;
  direction: SortDirection | null;
  onSort: () => void;
  numeric?: boolean;
  keepCase?: boolean;
};

/** A header button that asks the server to sort by its column; the th around it carries aria-sort. */
export function SortHeader({ label, direction, onSort, numeric = false, keepCase = false }: Props) {
  const Icon = direction === "asc" ? ArrowUp : direction === "desc" ? ArrowDown : ArrowUpDown;
  return (
    <button
      type="button"
      onClick={onSort}
      className={`inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900 ${numeric ? "flex-row-reverse" : ""} ${direction ? "text-slate-900" : ""}`}
      title={`Sort by ${label}`}
    >
      <span className={keepCase ? "normal-case" : undefined}>{label}</span>
      <Icon className={`h-3.5 w-3.5 ${direction ? "text-indigo-600" : "text-slate-300"}`} aria-hidden />
    </button>
  );
}
