import { formatOutput } from "@/components/endpoints/prediction-rows";

export type OutputSpaceName = "log-odds" | "raw";

/** One feature's bar: its value in the row, its attribution, and which way it pushed the output. */
export type AttributionBar = {
  feature: string;
  value: unknown;
  attribution: number;
  direction: "up" | "down" | "none";
};

/**
 * A row's attributions as chart bars, the largest effect (by absolute size) first; ties keep the model's feature order
 * so the chart does not reshuffle between identical answers.
 */
export function attributionBars(attributions: Record<string, number>, row: Record<string, unknown>): AttributionBar[] {
  return Object.entries(attributions)
    .map(([feature, attribution], order) => ({ feature, attribution, order }))
    .sort((a, b) => Math.abs(b.attribution) - Math.abs(a.attribution) || a.order - b.order)
    .map(({ feature, attribution }) => ({
      feature,
      value: row[feature],
      attribution,
      direction: attribution > 0 ? "up" : attribution < 0 ? "down" : "none",
    }));
}

/** "+0.1234" / "−0.1234": signed, 4 significant digits, with a real minus sign. */
export function formatAttribution(value: number): string {
  if (value === 0) return "0";
  const magnitude = formatOutput(Math.abs(value));
  return value > 0 ? `+${magnitude}` : `−${magnitude}`;
}

export function outputSpaceLabel(space: OutputSpaceName): string {
  return space === "log-odds" ? "log-odds (before the sigmoid)" : "the model's raw output";
}

/** What the chart shows, in words, for screen readers: the biggest pushes up and down. */
export function attributionSummary(bars: AttributionBar[], shown = 3): string {
  if (bars.length === 0) return "No feature attributions";
  const describe = (bar: AttributionBar) => `${bar.feature} ${formatAttribution(bar.attribution)}`;
  const up = bars.filter((bar) => bar.direction === "up").slice(0, shown);
  const down = bars.filter((bar) => bar.direction === "down").slice(0, shown);
  const parts = [
    up.length > 0 && `raised most by ${up.map(describe).join(", ")}`,
    down.length > 0 && `lowered most by ${down.map(describe).join(", ")}`,
  ].filter((part): part is string => typeof part === "string");
  return `Feature attributions, largest first: ${parts.length > 0 ? parts.join("; ") : "every feature is 0"}`;
}
