import type { AbMetricKey, PreRegistration } from "@/contracts/abtests";
import { proportionArm, type ArmSummary } from "@/server/services/abtests/statistics/arms";
import type { AnalysisInput, MetricReading, MetricRole } from "@/server/services/abtests/analysis/types";

export const CHAMPION = "m-v1";
export const CHALLENGER = "m-v2";
export const AT = new Date("2026-12-03T12:00:00Z");

export const plan: PreRegistration = {
  primaryMetric: "accuracy",
  mde: 0.05,
  alpha: 0.05,
  power: 0.8,
  baseline: 0.8,
  baselineSource: "entered",
  baselineUnits: 0,
  design: "msprt",
  comparisonAlpha: 0.05,
  requiredPerArm: { [CHAMPION]: 1500, [CHALLENGER]: 1500 },
  unitsPerDay: 1000,
  expectedDays: 3,
  writtenAt: "2026-12-01T00:00:00.000Z",
};

export const arms = (control: ArmSummary, treatment: ArmSummary): Extract<MetricReading, { ok: true }> => ({
  ok: true,
  arms: new Map([
    [CHAMPION, control],
    [CHALLENGER, treatment],
  ]),
});

export const rates = (cs: number, cn: number, ts: number, tn: number) =>
  arms(proportionArm(cs, cn), proportionArm(ts, tn));

/** A test at its first look with accuracy primary and the default guardrails, a clean 50/50 split. */
export function input(overrides: Partial<AnalysisInput> = {}): AnalysisInput {
  const metrics: Array<{ key: AbMetricKey; role: MetricRole }> = [
    { key: "accuracy", role: "PRIMARY" },
    { key: "error_rate", role: "GUARDRAIL" },
    { key: "latency_p99", role: "GUARDRAIL" },
  ];
  return {
    at: AT,
    window: { start: new Date("2026-12-01T12:00:00Z"), end: AT },
    labelDelayMinutes: 60,
    outcomeCutoff: new Date("2026-12-03T11:00:00Z"),
    plan,
    metrics,
    champion: CHAMPION,
    challengers: [CHALLENGER],
    arms: [],
    readings: {
      accuracy: rates(400, 500, 410, 500),
      error_rate: rates(10, 5000, 11, 5000),
      latency_p99: { ...rates(40, 5000, 45, 5000), threshold: { seconds: 0.1, source: "slo" } },
    },
    previous: new Map(),
    frozenTau2: new Map(),
    sloP99Seconds: 0.1,
    srm: {
      ok: true,
      since: new Date("2026-12-01T12:00:00Z"),
      counts: [CHAMPION, CHALLENGER].map((variantName) => ({ variantName, weight: 50, observed: 5000 })),
    },
    quantiles: [],
    costs: [],
    scoreShift: [],
    shadow: [],
    unavailable: [],
    ...overrides,
  };
}
