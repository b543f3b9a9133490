import type { PlanInput } from "@/server/services/abtests/pre-registration";

/** What a set-up enters for an accuracy test with its baseline typed in (80 %, a 5-point MDE, α 0.05, power 0.8). */
export const ENTERED_ACCURACY_PLAN: PlanInput = {
  primaryMetric: "accuracy",
  mde: 0.05,
  alpha: 0.05,
  power: 0.8,
  baseline: 0.8,
  baselineSource: "entered",
  baselineUnits: 0,
};
