"use client";

import { cn } from "@/lib/cn";

/** One class or rating to pick, with the key that picks it. */
export function LabelOption({
  hotkey,
  label,
  selected,
  onClick,
}: {
  hotkey: string | null;
  label: string;
  selected: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={selected}
      data-testid={`label-option-${label}`}
      className={cn(
        "flex items-center gap-2 rounded-md border px-3 py-2 text-sm",
        selected
          ? "border-indigo-600 bg-indigo-50 font-semibold text-indigo-800"
          : "border-slate-300 bg-white hover:bg-slate-50",
      )}
    >
      {hotkey && (
        <kbd className="rounded border border-slate-300 bg-slate-100 px-1.5 font-mono text-xs text-slate-600">
          {hotkey}
        </kbd>
      )}
      {label}
    </button>
  );
}
