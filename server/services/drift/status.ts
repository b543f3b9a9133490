import type { DriftStatus } from "@/server/db/generated/enums";
import type { z } from "zod";
import type { thresholdsOutput } from "@/server/services/drift/schemas";

export type DriftThresholds = z.infer<typeof thresholdsOutput>;

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = { warnPsi: 0.1, alertPsi: 0.25, minSamples: 500 };

/**
 * A feature may only warn or alert once its window holds enough rows (small samples show large PSI by chance), and
 * only when its PSI is above the noise ceiling, the PSI sampling noise alone exceeds once in a thousand windows
 * (lib/drift-noise.ts): a PSI over the threshold but under the ceiling is OK, not drift.
 */
export function featureStatus(
  psi: number,
  sampleSize: number,
  thresholds: DriftThresholds,
  noiseCeiling: number,
): DriftStatus {
  if (sampleSize < thresholds.minSamples || !Number.isFinite(psi)) return "INSUFFICIENT_DATA";
  if (!(psi > noiseCeiling)) return "OK";
  if (psi >= thresholds.alertPsi) return "ALERT";
  if (psi >= thresholds.warnPsi) return "WARN";
  return "OK";
}

const SEVERITY: Record<DriftStatus, number> = { INSUFFICIENT_DATA: 0, OK: 1, WARN: 2, ALERT: 3 };

/** The report's status is its worst feature's; INSUFFICIENT_DATA only when no feature had enough rows. */
export function worstStatus(statuses: readonly DriftStatus[]): DriftStatus {
  return statuses.reduce<DriftStatus>(
    (worst, status) => (SEVERITY[status] > SEVERITY[worst] ? status : worst),
    "INSUFFICIENT_DATA",
  );
}

export const compareStatus = (a: DriftStatus, b: DriftStatus) => SEVERITY[a] - SEVERITY[b];

/** The feature with the highest PSI (finite values only), preferring features that had enough rows to be judged. */
export function worstFeature<T extends { name: string; psi: number; status: DriftStatus }>(
  features: readonly T[],
): T | undefined {
  const judged = features.filter((f) => f.status !== "INSUFFICIENT_DATA" && Number.isFinite(f.psi));
  const candidates = judged.length > 0 ? judged : features.filter((f) => Number.isFinite(f.psi));
  return candidates.reduce<T | undefined>(
    (worst, f) => (worst === undefined || f.psi > worst.psi ? f : worst),
    undefined,
  );
}
