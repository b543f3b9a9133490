"use client";

import * as Popover from "@radix-ui/react-popover";
import { ChevronDown } from "lucide-react";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

type Props = { available: string[]; selected: string[]; onChange: (metrics: string[]) => void; max: number };

/** Chooses which metrics get a curve chart. */
export function MetricPicker({ available, selected, onChange, max }: Props) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = useMemo(() => available.filter((key) => key.toLowerCase().includes(needle)), [available, needle]);
  const selectedSet = new Set(selected);

  function toggle(key: string) {
    onChange(selectedSet.has(key) ? selected.filter((k) => k !== key) : [...selected, key]);
  }

  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="secondary" size="sm" data-testid="metric-picker">
          Metrics ({selected.length} of {available.length})
          <ChevronDown className="h-3.5 w-3.5" aria-hidden />
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="z-30 w-72 rounded-lg border border-slate-200 bg-white p-3 shadow-lg"
          aria-label="Choose metrics"
        >
          <Input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Find a metric"
            aria-label="Find a metric"
            className="mb-2"
          />
          <fieldset className="max-h-72 space-y-0.5 overflow-y-auto">
            <legend className="sr-only">Metrics to chart</legend>
            {shown.map((key) => {
              const checked = selectedSet.has(key);
              return (
                <label
                  key={key}
                  className="flex cursor-pointer items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-slate-50"
                >
                  <input
                    type="checkbox"
                    checked={checked}
                    disabled={checked ? selected.length === 1 : selected.length >= max}
                    onChange={() => toggle(key)}
                    className="h-4 w-4 accent-indigo-600"
                  />
                  <span className="truncate font-mono text-xs" title={key}>
                    {key}
                  </span>
                </label>
              );
            })}
            {shown.length === 0 && <p className="px-1.5 text-sm text-slate-500">No metric matches.</p>}
          </fieldset>
          <p className="mt-2 text-xs text-slate-500">Up to {max} charts at once.</p>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
