"use client";

import { Filter, X } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { FILTER_HINTS } from "@/components/experiments/runs/filter";
import { FilterErrorMarker } from "@/components/experiments/runs/filter-error-marker";

type Props = { value: string; error: string | null; onApply: (filter: string) => void };

/** The run filter expression; applied on Enter, the server's parse error shown right below. */
export function RunsFilterInput({ value, error, onApply }: Props) {
  const [draft, setDraft] = useState(value);
  const [lastValue, setLastValue] = useState(value);
  if (value !== lastValue) {
    setLastValue(value);
    setDraft(value);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onApply(draft.trim());
  }

  function clear() {
    setDraft("");
    onApply("");
  }

  return (
    <form onSubmit={submit} role="search" aria-label="Filter runs">
      <label htmlFor="run-filter" className="mb-1 block text-sm font-medium text-slate-700">
        Filter runs
      </label>
      <div className="flex gap-2">
        <div className="relative flex-1">
          <Filter
            className="pointer-events-none absolute left-3 top-1/2 h-4 w-4 -translate-y-1/2 text-slate-500"
            aria-hidden
          />
          <Input
            id="run-filter"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") setDraft(value);
            }}
            placeholder={FILTER_HINTS[0]}
            spellCheck={false}
            autoComplete="off"
            className={`pl-9 font-mono ${error ? "border-rose-400 focus:border-rose-500 focus:ring-rose-500" : ""}`}
            aria-invalid={error !== null}
            aria-describedby={error ? "run-filter-error run-filter-hint" : "run-filter-hint"}
            data-testid="run-filter"
          />
        </div>
        <Button type="submit" variant="secondary">
          Apply
        </Button>
        {value && (
          <Button variant="ghost" onClick={clear} aria-label="Clear filter">
            <X className="h-4 w-4" aria-hidden />
          </Button>
        )}
      </div>
      {error && (
        <div
          id="run-filter-error"
          role="alert"
          className="mt-2 rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800"
          data-testid="run-filter-error"
        >
          <p>{error}</p>
          <FilterErrorMarker expression={value} message={error} />
        </div>
      )}
      <p id="run-filter-hint" className="mt-1.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
        <span>Press Enter to apply. Conditions join with “and”, e.g.</span>
        {FILTER_HINTS.map((hint) => (
          <button
            key={hint}
            type="button"
            onClick={() => setDraft(hint)}
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700 hover:bg-indigo-50 hover:text-indigo-700"
            title="Use this example"
          >
            {hint}
          </button>
        ))}
      </p>
    </form>
  );
}
