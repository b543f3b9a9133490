"use client";

import * as Popover from "@radix-ui/react-popover";
import { SlidersHorizontal } from "lucide-react";
import { useMemo } from "react";
import { Button } from "@/components/ui/button";
import { metricColumnId, paramColumnId, toggleColumn } from "@/components/experiments/shared/columns";
import { ColumnPickerGroup } from "@/components/experiments/shared/column-picker-group";

type Props = {
  paramKeys: string[];
  metricKeys: string[];
  chosen: string[];
  custom: boolean;
  onChange: (axes: string[] | null) => void;
};

/** Chooses the parallel-coordinates axes among params and metrics. */
export function AxisPicker({ paramKeys, metricKeys, chosen, custom, onChange }: Props) {
  const chosenSet = useMemo(() => new Set(chosen), [chosen]);
  const toggle = (id: string) => onChange(toggleColumn(chosen, id));
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="secondary" size="sm" data-testid="axis-picker">
          <SlidersHorizontal className="h-3.5 w-3.5" aria-hidden />
          Axes ({chosen.length})
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          align="end"
          sideOffset={6}
          className="z-30 w-72 rounded-lg border border-slate-200 bg-white p-3 shadow-lg"
          aria-label="Choose axes"
        >
          <div className="mb-2 flex items-center justify-between">
            <p className="text-sm font-semibold text-slate-800">Axes</p>
            <Button variant="ghost" size="sm" onClick={() => onChange(null)} disabled={!custom}>
              Automatic
            </Button>
          </div>
          <div className="max-h-80 space-y-3 overflow-y-auto pr-1">
            <ColumnPickerGroup
              title="Params"
              keys={paramKeys}
              idOf={paramColumnId}
              chosen={chosenSet}
              onToggle={toggle}
            />
            <ColumnPickerGroup
              title="Metrics"
              keys={metricKeys}
              idOf={metricColumnId}
              chosen={chosenSet}
              onToggle={toggle}
            />
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
