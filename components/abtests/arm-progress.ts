import type { AbAnalysis } from "@/contracts/abtest-analysis";

export type ArmProgress = { units: number | null; required: number | null; fraction: number | null };

/**
 * How far each arm is towards its planned sample on the primary metric: the champion's units are the control side of
 * any primary comparison (the same for every challenger), a challenger's the treatment side of its own.
 */
export function armProgress(
  analysis: Pick<AbAnalysis, "comparisons">,
  requiredPerArm: Readonly<Record<string, number>>,
  arm: { variantName: string; role: "CHAMPION" | "CHALLENGER" },
): ArmProgress {
  const primary = analysis.comparisons.filter((c) => c.role === "PRIMARY");
  const units =
    arm.role === "CHAMPION"
      ? (primary[0]?.control.units ?? null)
      : (primary.find((c) => c.variantName === arm.variantName)?.treatment.units ?? null);
  const required = requiredPerArm[arm.variantName] ?? null;
  return {
    units,
    required,
    fraction: units !== null && required !== null && required > 0 ? Math.min(1, units / required) : null,
  };
}
