import type { GroundTruthSource } from "@/contracts/quality";

type DayCounts = { captured: number | null; known: number | null };

/**
 * The response propensity of each day of one endpoint × variant: for API feedback, the share of the day's captured
 * predictions that received feedback, known / captured (at most 1) — so days with little feedback are not
 * under-represented in a range (feedback is assumed missing at random within a day, the adjustment cell). A day whose
 * captured count is unknown (retention) takes the pooled share of the days that have one; with none, 1. Review labels
 * are a designed sample already weighted by their inclusion probability, and `combined` is not adjusted: 1.
 */
export function responseRates(source: GroundTruthSource, days: readonly DayCounts[]): number[] {
  if (source !== "feedback") return days.map(() => 1);
  const held = days.filter((d) => d.captured !== null && d.captured > 0 && d.known !== null && d.known > 0);
  const pooledCaptured = held.reduce((s, d) => s + (d.captured ?? 0), 0);
  const pooledKnown = held.reduce((s, d) => s + (d.known ?? 0), 0);
  const pooled = pooledCaptured > 0 ? Math.min(1, pooledKnown / pooledCaptured) : 1;
  return days.map((d) => {
    if (d.captured === null || d.known === null) return pooled;
    return d.captured > 0 && d.known > 0 ? Math.min(1, d.known / d.captured) : 1;
  });
}
