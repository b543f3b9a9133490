/** Matches components/ui/input so textareas and inputs look alike. */
export const textareaClass =
  "w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500";

export const tableClasses = {
  wrapper: "overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm",
  table: "min-w-full divide-y divide-slate-200 text-sm",
  head: "bg-slate-50",
  th: "whitespace-nowrap px-3 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500",
  body: "divide-y divide-slate-100",
  row: "hover:bg-slate-50/80",
  td: "px-3 py-2.5 align-top text-slate-700",
  numeric: "text-right tabular-nums",
} as const;
