/**
 * Colours for runs in charts. A run keeps its colour in every chart of a view because the colour
 * depends only on its position in the selection, not on which chart draws it.
 */
const BASE_PALETTE = [
  "#4f46e5",
  "#e11d48",
  "#059669",
  "#d97706",
  "#0284c7",
  "#9333ea",
  "#65a30d",
  "#db2777",
  "#0d9488",
  "#ea580c",
  "#2563eb",
  "#a21caf",
  "#16a34a",
  "#b45309",
  "#7c3aed",
  "#dc2626",
  "#0891b2",
  "#ca8a04",
  "#475569",
  "#c026d3",
] as const;

const GOLDEN_ANGLE_DEGREES = 137.508;

/** The colour of the run at `index` (0-based) in the selection; distinct for the first 20, well spread after. */
export function runColorAt(index: number): string {
  const base = BASE_PALETTE[index];
  if (base) return base;
  const hue = Math.round((index * GOLDEN_ANGLE_DEGREES) % 360);
  const lightness = [38, 48, 58][index % 3];
  return `hsl(${hue} 70% ${lightness}%)`;
}

/** Run id → colour, in selection order. */
export function buildRunColors(runIds: readonly string[]): ReadonlyMap<string, string> {
  return new Map(runIds.map((id, index) => [id, runColorAt(index)]));
}

export const PALETTE_SIZE = BASE_PALETTE.length;
