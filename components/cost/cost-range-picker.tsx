"use client";

import { cn } from "@/lib/cn";
import { COST_RANGE_KEYS, type CostRange } from "@/server/services/cost/cost-ranges";

export function CostRangePicker({ value, onChange }: { value: CostRange; onChange: (range: CostRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white text-sm">
      {COST_RANGE_KEYS.map((range) => (
        <button
          key={range}
          type="button"
          aria-pressed={range === value}
          onClick={() => onChange(range)}
          className={cn("px-3 py-1.5 font-medium", range === value ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-50")}
        >
          {range}
        </button>
      ))}
    </div>
  );
}
