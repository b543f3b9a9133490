import type { DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";

const WEIGHT_TOLERANCE = 0.01;

/**
 * Compares as shares of traffic, since SageMaker weights are relative. `desired` counts weights SageMaker accepted but
 * may not have applied yet; `current` only those it serves.
 */
export function weightsMatch(
  live: DescribeEndpointCommandOutput,
  wanted: Record<string, number>,
  which: "desired" | "current" = "desired",
): boolean {
  const variants = live.ProductionVariants ?? [];
  const weightOf = (name: string) => {
    const variant = variants.find((candidate) => candidate.VariantName === name);
    return which === "desired" ? (variant?.DesiredWeight ?? variant?.CurrentWeight) : variant?.CurrentWeight;
  };
  const merged = Object.fromEntries(
    variants.map((variant) => [
      variant.VariantName ?? "",
      wanted[variant.VariantName ?? ""] ?? weightOf(variant.VariantName ?? "") ?? 0,
    ]),
  );
  const liveTotal = variants.reduce((sum, variant) => sum + (weightOf(variant.VariantName ?? "") ?? 0), 0);
  const wantedTotal = Object.values(merged).reduce((sum, weight) => sum + weight, 0);
  if (liveTotal <= 0 || wantedTotal <= 0) return liveTotal === wantedTotal;
  return Object.entries(merged).every(
    ([name, weight]) => Math.abs(((weightOf(name) ?? 0) / liveTotal - weight / wantedTotal) * 100) < WEIGHT_TOLERANCE,
  );
}
