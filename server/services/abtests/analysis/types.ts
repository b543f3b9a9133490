import type { AbMetricKey, PreRegistration } from "@/contracts/abtests";
import type { AbArmStatus, AbCost, AbQuantile, AbScoreShift, AbShadow } from "@/contracts/abtest-analysis";
import type { ArmSummary } from "@/server/services/abtests/statistics/arms";
import type { MsprtState } from "@/server/services/abtests/statistics/msprt";

export type MetricRole = "PRIMARY" | "GUARDRAIL" | "SECONDARY";

/** A latency metric's fixed threshold: the bucket bound whose exceedance share the arms are compared on. */
export type LatencyThreshold = { seconds: number; source: string };

/**
 * What the readers measured for one sequential metric: each arm's summary of one unit's outcome (a 0/1 outcome for
 * proportions, the error rate and latency exceedance; a number for mean metrics), by variant name; or why nothing was.
 */
export type MetricReading =
  | { ok: true; arms: ReadonlyMap<string, ArmSummary>; threshold?: LatencyThreshold; emptyNote?: string }
  | { ok: false; note: string };

export type SrmReading =
  | { ok: true; since: Date; counts: Array<{ variantName: string; weight: number; observed: number }> }
  | { ok: false; since: Date; note: string };

/** Everything the pure analysis needs; the readers (SQL, PromQL) produce it. */
export interface AnalysisInput {
  at: Date;
  window: { start: Date; end: Date };
  labelDelayMinutes: number;
  outcomeCutoff: Date;
  plan: PreRegistration;
  /** The test's metrics with their roles, the primary first. */
  metrics: ReadonlyArray<{ key: AbMetricKey; role: MetricRole }>;
  champion: string;
  challengers: readonly string[];
  arms: AbArmStatus[];
  readings: Partial<Record<AbMetricKey, MetricReading>>;
  /** The latest look's running p-value and interval per (metric, challenger) — see `lookKey`. */
  previous: ReadonlyMap<string, MsprtState>;
  /** τ² frozen at earlier looks per (metric, challenger), for metrics whose τ² came from a measured variance. */
  frozenTau2: ReadonlyMap<string, number>;
  /** The endpoint's p99 objective (seconds) and the bucket bound at or above it, for the harm check. */
  sloP99Seconds: number;
  srm: SrmReading;
  quantiles: AbQuantile[];
  costs: AbCost[];
  scoreShift: AbScoreShift[];
  shadow: AbShadow[];
  unavailable: Array<{ source: string; reason: string }>;
}

/** One AbTestLook row (without the test id and time). */
export type LookRow = {
  metric: string;
  variantName: string;
  controlUnits: number;
  treatmentUnits: number;
  controlValue: number | null;
  treatmentValue: number | null;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
};

export const lookKey = (metric: string, variantName: string) => `${metric}\u0000${variantName}`;
