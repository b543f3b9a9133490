"use client";

import { memo, useMemo } from "react";
import { RunScatterChart } from "@/components/experiments/charts/run-scatter-chart";
import { Card } from "@/components/ui/card";
import { Select } from "@/components/ui/select";
import { metricColumnId, paramColumnId } from "@/components/experiments/shared/columns";
import { dimensionLabel, scatterData } from "@/components/experiments/compare/compare";
import type { RouterOutputs } from "@/trpc/react";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

type Props = {
  runs: Run[];
  colors: ReadonlyMap<string, string>;
  hidden: ReadonlySet<string>;
  x: string | null;
  y: string | null;
  paramKeys: string[];
  metricKeys: string[];
  onChange: (axis: "x" | "y", value: string) => void;
};

export const CompareScatterSection = memo(function CompareScatterSection(props: Props) {
  const { runs, colors, hidden, x, y, paramKeys, metricKeys, onChange } = props;
  const data = useMemo(() => (x && y ? scatterData(runs, x, y, colors, hidden) : null), [runs, x, y, colors, hidden]);

  return (
    <Card
      title="Scatter"
      actions={
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <label className="flex items-center gap-1.5">
            <span className="text-slate-600">y</span>
            <Select
              value={y ?? ""}
              onChange={(event) => onChange("y", event.target.value)}
              className="py-1 text-xs"
              data-testid="scatter-y"
            >
              {y === null && <option value="">Choose a metric</option>}
              {metricKeys.map((key) => (
                <option key={key} value={metricColumnId(key)}>
                  {key}
                </option>
              ))}
            </Select>
          </label>
          <label className="flex items-center gap-1.5">
            <span className="text-slate-600">x</span>
            <Select
              value={x ?? ""}
              onChange={(event) => onChange("x", event.target.value)}
              className="py-1 text-xs"
              data-testid="scatter-x"
            >
              {x === null && <option value="">Choose a param or metric</option>}
              <optgroup label="Params">
                {paramKeys.map((key) => (
                  <option key={key} value={paramColumnId(key)}>
                    {key}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Metrics">
                {metricKeys.map((key) => (
                  <option key={key} value={metricColumnId(key)}>
                    {key}
                  </option>
                ))}
              </optgroup>
            </Select>
          </label>
        </div>
      }
    >
      {!data || !x || !y ? (
        <p className="py-8 text-center text-sm text-slate-500">Choose a metric for y and a param or metric for x.</p>
      ) : data.points.length === 0 ? (
        <p className="py-8 text-center text-sm text-slate-500">
          No visible run has both {dimensionLabel(x)} and {dimensionLabel(y)}.
        </p>
      ) : (
        <>
          {data.skipped > 0 && (
            <p className="mb-2 text-xs text-slate-500">
              {data.skipped} run{data.skipped === 1 ? "" : "s"} without both values left out.
            </p>
          )}
          <div data-testid="scatter-chart">
            <RunScatterChart
              points={data.points}
              xLabel={dimensionLabel(x)}
              yLabel={dimensionLabel(y)}
              xCategories={data.xCategories}
            />
          </div>
        </>
      )}
    </Card>
  );
});
