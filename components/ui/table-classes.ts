/** Shared Tailwind classes so every table reads the same. */
export const tableClasses = {
  wrapper: "overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm",
  table: "min-w-full divide-y divide-slate-200 text-sm",
  head: "bg-slate-50",
  th: "whitespace-nowrap px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500",
  body: "divide-y divide-slate-100",
  row: "hover:bg-slate-50/80",
  /** One line per cell, vertically centred. */
  td: "whitespace-nowrap px-3 py-2.5 text-slate-700",
  /** Cells whose content may wrap (tags, two-line values), aligned at the top. */
  tdWrap: "px-3 py-2.5 align-top text-slate-700",
  numeric: "text-right tabular-nums",
} as const;
