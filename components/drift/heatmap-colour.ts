import type { DriftStatus } from "@/contracts/enums";

export type Thresholds = { warnPsi: number; alertPsi: number };

/**
 * Cell colour for a PSI: green below the warn threshold, amber up to the alert threshold, red above; darker the
 * further into its band (the red band saturates at twice the alert threshold). Too few rows: neutral grey.
 */
export function heatmapColour(psi: number, status: DriftStatus, thresholds: Thresholds): string {
  if (status === "INSUFFICIENT_DATA") return "hsl(215 16% 90%)";
  const { warnPsi, alertPsi } = thresholds;
  const band = (value: number, from: number, to: number) => Math.min(1, Math.max(0, (value - from) / (to - from)));
  if (psi < warnPsi) return `hsl(152 55% ${92 - 22 * band(psi, 0, warnPsi)}%)`;
  if (psi < alertPsi) return `hsl(38 92% ${80 - 22 * band(psi, warnPsi, alertPsi)}%)`;
  return `hsl(350 75% ${70 - 25 * band(psi, alertPsi, 2 * alertPsi)}%)`;
}

/** Text colour that stays readable on the cell colour (dark cells get white text). */
export const heatmapTextClass = (psi: number, status: DriftStatus, thresholds: Thresholds) =>
  status !== "INSUFFICIENT_DATA" && psi >= thresholds.alertPsi * 1.4 ? "text-white" : "text-slate-900";
