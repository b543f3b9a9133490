"use client";

import { cn } from "@/lib/cn";
import { LATENCY_RANGE_KEYS, type LatencyRange } from "@/server/services/monitoring/latency-ranges";

export function LatencyRangePicker({ value, onChange }: { value: LatencyRange; onChange: (range: LatencyRange) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex overflow-hidden rounded-md border border-slate-300 bg-white text-sm">
      {LATENCY_RANGE_KEYS.map((range) => (
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
