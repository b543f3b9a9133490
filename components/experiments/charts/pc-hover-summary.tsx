import { formatMetric } from "@/components/experiments/shared/format";
import type { PcDimension } from "@/components/experiments/charts/parallel";

type Props = { dimensions: PcDimension[]; line: { label: string; color: string } | undefined; index: number };

/** A fixed-height line above the chart naming the hovered run and its values, so nothing covers the axes. */
export function PcHoverSummary({ dimensions, line, index }: Props) {
  return (
    <div
      className="mb-1 flex h-6 items-center gap-x-4 overflow-hidden whitespace-nowrap text-xs"
      aria-live="polite"
      data-testid="pc-hover"
    >
      {line ? (
        <>
          <span className="flex items-center gap-1.5 font-semibold text-slate-900">
            <span className="h-2.5 w-2.5 rounded-full" style={{ backgroundColor: line.color }} aria-hidden />
            {line.label}
          </span>
          {dimensions.map((dimension) => {
            const value = dimension.values[index];
            return (
              <span key={dimension.id} className="text-slate-500">
                {dimension.label}{" "}
                <span className="font-medium tabular-nums text-slate-800">
                  {value === undefined ? "—" : typeof value === "number" ? formatMetric(value) : value}
                </span>
              </span>
            );
          })}
        </>
      ) : (
        <span className="text-slate-500">Hover a line to see its run.</span>
      )}
    </div>
  );
}
