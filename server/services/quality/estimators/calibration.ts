import { ratioEstimate, type Estimate, type EstimateOptions } from "@/server/services/quality/estimators/ratio";

export const CALIBRATION_BINS = 10;

export type CalibrationBin = {
  lower: number;
  upper: number;
  /** The weighted mean score of the bin's rows (Σw·s / Σw); null for an empty bin. */
  meanScore: number | null;
  /** The weighted share of the bin's rows whose true class is the positive one, with its interval. */
  observedRate: Estimate;
};

export type Calibration = {
  bins: CalibrationBin[];
  /** Expected calibration error Σ_b (Ŵ_b / Ŵ)·|observed_b − meanScore_b|, a point estimate (no interval). */
  expectedCalibrationError: number | null;
  /** Rows with a score in [0, 1]. */
  n: number;
};

type ScoredRow = { actual: string; score: number | null; pi: number; stratum?: string };

const binOf = (score: number) => Math.min(CALIBRATION_BINS - 1, Math.floor(score * CALIBRATION_BINS));

/** Reliability bins of equal width over the positive class's probability, weighted by 1/π. */
export function calibration(rows: readonly ScoredRow[], positive: string, options: EstimateOptions): Calibration {
  const scored = rows.filter(
    (r): r is ScoredRow & { score: number } => r.score !== null && r.score >= 0 && r.score <= 1,
  );
  let totalWeight = 0;
  let gap = 0;
  const bins = Array.from({ length: CALIBRATION_BINS }, (_, b): CalibrationBin => {
    const inBin = scored.filter((r) => binOf(r.score) === b);
    let weight = 0;
    let weightedScore = 0;
    for (const r of inBin) {
      weight += 1 / r.pi;
      weightedScore += r.score / r.pi;
    }
    const observedRate = ratioEstimate(
      inBin.map((r) => ({ y: r.actual === positive ? 1 : 0, x: 1, pi: r.pi, stratum: r.stratum })),
      { ...options, proportion: true },
    );
    const meanScore = weight > 0 ? weightedScore / weight : null;
    if (meanScore !== null && observedRate.value !== null) {
      totalWeight += weight;
      gap += weight * Math.abs(observedRate.value - meanScore);
    }
    return { lower: b / CALIBRATION_BINS, upper: (b + 1) / CALIBRATION_BINS, meanScore, observedRate };
  });
  return { bins, expectedCalibrationError: totalWeight > 0 ? gap / totalWeight : null, n: scored.length };
}
