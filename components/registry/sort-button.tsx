import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";

/** A column header that sorts by its column; the th around it carries aria-sort. */
export function SortButton({ label, direction, onSort }: { label: string; direction: "asc" | "desc" | false; onSort: () => void }) {
  const Icon = direction === "asc" ? ArrowUp : direction === "desc" ? ArrowDown : ArrowUpDown;
  return (
    <button type="button" onClick={onSort} className="inline-flex items-center gap-1 uppercase tracking-wide hover:text-slate-900">
      {label}
      <Icon className={direction ? "h-3.5 w-3.5 text-indigo-600" : "h-3.5 w-3.5 text-slate-300"} aria-hidden />
    </button>
  );
}
