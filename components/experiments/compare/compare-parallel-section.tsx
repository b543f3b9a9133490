"use client";

import { memo, useMemo } from "react";
import { ParallelCoordinates, type PcLine } from "@/components/experiments/charts/parallel-coordinates";
import { Card } from "@/components/ui/card";
import { dimensionLabel, dimensionValue } from "@/components/experiments/compare/compare";
import type { PcDimension } from "@/components/experiments/charts/parallel";
import type { RouterOutputs } from "@/trpc/react";
import { AxisPicker } from "@/components/experiments/compare/axis-picker";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  hidden: ReadonlySet<string>;
  axes: string[];
  customAxes: boolean;
  paramKeys: string[];
  metricKeys: string[];
  onAxesChange: (axes: string[] | null) => void;
};

export const CompareParallelSection = memo(function CompareParallelSection(props: Props) {
  const { runs, colors, hidden, axes, customAxes, paramKeys, metricKeys, onAxesChange } = props;
  const visibleRuns = useMemo(() => runs.filter((run) => !hidden.has(run.id)), [runs, hidden]);
  const lines: PcLine[] = useMemo(
    () => visibleRuns.map((run) => ({ id: run.id, label: run.name, color: colors.get(run.id) ?? "#64748b" })),
    [visibleRuns, colors],
  );
  const dimensions: PcDimension[] = useMemo(
    () =>
      axes.map((id) => ({ id, label: dimensionLabel(id), values: visibleRuns.map((run) => dimensionValue(run, id)) })),
    [axes, visibleRuns],
  );

  return (
    <Card
      title="Parallel coordinates"
      actions={
        <AxisPicker
          paramKeys={paramKeys}
          metricKeys={metricKeys}
          chosen={axes}
          custom={customAxes}
          onChange={onAxesChange}
        />
      }
    >
      {axes.length < 2 ? (
        <p className="py-8 text-center text-sm text-slate-500">Choose at least two axes to draw the chart.</p>
      ) : lines.length === 0 ? (
        <p className="py-8 text-center text-sm text-slate-500">Every run is hidden; show some in the legend above.</p>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500">
            One line per run. Numeric axes run from their minimum to their maximum; text params are spread evenly. Hover
            a line to see its run.
          </p>
          <ParallelCoordinates
            dimensions={dimensions}
            lines={lines}
            title={`Parallel coordinates of ${lines.length} runs over ${axes.length} axes`}
          />
        </>
      )}
    </Card>
  );
});
