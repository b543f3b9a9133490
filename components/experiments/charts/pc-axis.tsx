import { formatMetric } from "@/components/experiments/shared/format";
import {
  pickCategoryLabels,
  yForFraction,
  type PcAxisLayout,
  type PcBox,
} from "@/components/experiments/charts/parallel";

const MAX_CATEGORY_LABELS = 10;
const MAX_LABEL_CHARS = 18;

function shorten(text: string): string {
  return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

/** One vertical axis with its name on top and ticks (numbers) or category names. */
export function PcAxis({ layout, box }: { layout: PcAxisLayout; box: PcBox }) {
  const { axis, x, label } = layout;
  const ticks =
    axis.kind === "numeric"
      ? axis.ticks.map((value) => ({ key: String(value), text: formatMetric(value), fraction: axis.position(value) }))
      : pickCategoryLabels(axis.categories, MAX_CATEGORY_LABELS).map((category) => ({
          key: category,
          text: shorten(category),
          fraction: axis.position(category),
        }));
  return (
    <g>
      <line x1={x} x2={x} y1={box.top} y2={box.height - box.bottom} stroke="#94a3b8" strokeWidth={1} />
      <text x={x} y={box.top - 22} textAnchor="middle" className="fill-slate-800 text-[11px] font-semibold">
        <title>{label}</title>
        {shorten(label)}
      </text>
      {axis.kind === "numeric" && (
        <>
          <text x={x} y={box.top - 9} textAnchor="middle" className="fill-slate-400 text-[10px]">
            max {formatMetric(axis.max)}
          </text>
          <text x={x} y={box.height - box.bottom + 16} textAnchor="middle" className="fill-slate-400 text-[10px]">
            min {formatMetric(axis.min)}
          </text>
        </>
      )}
      {ticks.map((tick) =>
        tick.fraction === null ? null : (
          <g key={tick.key} transform={`translate(${x},${yForFraction(tick.fraction, box)})`}>
            <line x1={-4} x2={0} stroke="#94a3b8" />
            <text
              x={-7}
              dy="0.32em"
              textAnchor="end"
              className="fill-slate-500 text-[10px]"
              paintOrder="stroke"
              stroke="white"
              strokeWidth={3}
            >
              {tick.text}
            </text>
          </g>
        ),
      )}
    </g>
  );
}
