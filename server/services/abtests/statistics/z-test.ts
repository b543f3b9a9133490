import { zFor } from "@/server/services/quality/estimators/normal-quantile";
import { difference, type ArmSummary } from "@/server/services/abtests/statistics/arms";
import { twoSidedNormalPValue } from "@/server/services/abtests/statistics/normal";

export interface ZTestResult {
  estimate: number;
  standardError: number;
  z: number;
  pValue: number;
  lower: number;
  upper: number;
}

/**
 * The fixed-horizon two-sample z-test (Wald, unpooled variances) of H₀: θ = 0 for θ = mean(treatment) − mean(control):
 * z = θ̂ / √V, two-sided p = 2·(1 − Φ(|z|)), and the (1 − α) interval θ̂ ± z_{1−α/2}·√V. Valid once, at the planned
 * end; looking at it earlier inflates the error rate (use the mSPRT then). Reference: any text on large-sample tests,
 * e.g. Casella & Berger, Statistical Inference, §10.3.
 */
export function fixedHorizonZTest(control: ArmSummary, treatment: ArmSummary, alpha = 0.05): ZTestResult {
  const { estimate, variance } = difference(control, treatment);
  const standardError = Math.sqrt(variance);
  const half = zFor(1 - alpha) * standardError;
  const z = standardError > 0 ? estimate / standardError : estimate === 0 ? 0 : Math.sign(estimate) * Infinity;
  return {
    estimate,
    standardError,
    z,
    pValue: twoSidedNormalPValue(z),
    lower: estimate - half,
    upper: estimate + half,
  };
}
