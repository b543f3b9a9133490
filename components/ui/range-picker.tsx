"use client";

import { cn } from "@/lib/cn";

/** A row of toggle buttons choosing one of a dashboard's time ranges ("1h", "24h", …). */
export function RangePicker<R extends string>({
  ranges,
  value,
  onChange,
}: {
  ranges: readonly R[];
  value: R;
  onChange: (range: R) => void;
}) {
  return (
    <div
      role="group"
      aria-label="Time range"
      className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white text-sm"
    >
      {ranges.map((range) => (
        <button
          key={range}
          type="button"
          aria-pressed={range === value}
          onClick={() => onChange(range)}
          className={cn(
            "px-3 py-1.5 font-medium",
            range === value ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-50",
          )}
        >
          {range}
        </button>
      ))}
    </div>
  );
}
