import type { DriftStatus } from "@/contracts/enums";

export type Thresholds = { warnPsi: number; alertPsi: number };

/**
 * Cell colour for a PSI: green when OK, amber for WARN, red for ALERT (the status, not the PSI alone, picks the hue: a
 * PSI over a threshold but under its noise ceiling is OK, so green); darker the further into its band (the red band
 * saturates at twice the alert threshold). Too few rows: neutral grey.
 */
export function heatmapColour(psi: number, status: DriftStatus, thresholds: Thresholds): string {
  if (status === "INSUFFICIENT_DATA") return "hsl(215 16% 90%)";
  const { warnPsi, alertPsi } = thresholds;
  const band = (value: number, from: number, to: number) => Math.min(1, Math.max(0, (value - from) / (to - from)));
  if (status === "OK") return `hsl(152 55% ${92 - 22 * band(psi, 0, warnPsi)}%)`;
  if (status === "WARN") return `hsl(38 92% ${80 - 22 * band(psi, warnPsi, alertPsi)}%)`;
  return `hsl(350 75% ${70 - 25 * band(psi, alertPsi, 2 * alertPsi)}%)`;
}

/** Text colour that stays readable on the cell colour (dark cells get white text). */
export const heatmapTextClass = (psi: number, status: DriftStatus, thresholds: Thresholds) =>
  status === "ALERT" && psi >= thresholds.alertPsi * 1.4 ? "text-white" : "text-slate-900";
