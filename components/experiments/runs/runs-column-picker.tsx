"use client";

import * as Popover from "@radix-ui/react-popover";
import { Columns3 } from "lucide-react";
import { useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { metricColumnId, paramColumnId, toggleColumn } from "@/components/experiments/shared/columns";
import { ColumnPickerGroup } from "@/components/experiments/shared/column-picker-group";

type Props = {
  metricKeys: string[];
  paramKeys: string[];
  chosen: string[];
  onChange: (columns: string[]) => void;
  onReset: () => void;
};

/** Adds any metric or param of the experiment as a runs-table column. */
export function RunsColumnPicker({ metricKeys, paramKeys, chosen, onChange, onReset }: Props) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const metrics = useMemo(() => metricKeys.filter((k) => k.toLowerCase().includes(needle)), [metricKeys, needle]);
  const params = useMemo(() => paramKeys.filter((k) => k.toLowerCase().includes(needle)), [paramKeys, needle]);
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const toggle = (id: string) => onChange(toggleColumn(chosen, id));

  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="secondary" data-testid="column-picker">
          <Columns3 className="h-4 w-4" aria-hidden />
          Columns
          {chosen.length > 0 && (
            <span className="rounded-full bg-indigo-100 px-1.5 text-xs text-indigo-700">{chosen.length}</span>
          )}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="z-30 w-80 rounded-lg border border-slate-200 bg-white p-3 shadow-lg focus:outline-none"
          aria-label="Choose columns"
        >
          <div className="mb-2 flex items-center justify-between">
            <p className="text-sm font-semibold text-slate-800">Metric and param columns</p>
            <Button variant="ghost" size="sm" onClick={onReset}>
              Reset
            </Button>
          </div>
          <Input
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            placeholder="Find a metric or param"
            aria-label="Find a metric or param"
            className="mb-2"
          />
          <div className="max-h-80 space-y-3 overflow-y-auto pr-1">
            <ColumnPickerGroup
              title="Metrics"
              keys={metrics}
              idOf={metricColumnId}
              chosen={chosenSet}
              onToggle={toggle}
            />
            <ColumnPickerGroup title="Params" keys={params} idOf={paramColumnId} chosen={chosenSet} onToggle={toggle} />
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
