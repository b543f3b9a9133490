import { intervalBarGeometry } from "@/components/abtests/interval-bar-geometry";

/**
 * A small picture of a difference's interval on a scale around 0 (shared by the rows of one metric): a bar from lower
 * to upper, a dot at the estimate, a line at 0. Decorative: the numbers beside it say the same.
 */
export function IntervalBar({
  estimate,
  lower,
  upper,
  extent,
  direction,
}: {
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  extent: number | null;
  direction: "better" | "worse" | "unclear";
}) {
  const geometry = intervalBarGeometry({ estimate, lower, upper }, extent);
  if (!geometry) return null;
  const colour = direction === "better" ? "bg-emerald-500" : direction === "worse" ? "bg-rose-500" : "bg-slate-400";
  return (
    <span className="relative block h-3 w-32" aria-hidden data-testid="ab-interval-bar">
      <span className="absolute inset-y-0 w-px bg-slate-400" style={{ left: `${geometry.zero}%` }} />
      <span
        className={`absolute top-1 h-1 rounded-full ${colour}`}
        style={{ left: `${geometry.left}%`, width: `${Math.max(1, geometry.right - geometry.left)}%` }}
      />
      {geometry.estimate !== null && (
        <span
          className="absolute top-0.5 h-2 w-2 -translate-x-1/2 rounded-full bg-slate-800"
          style={{ left: `${geometry.estimate}%` }}
        />
      )}
    </span>
  );
}
