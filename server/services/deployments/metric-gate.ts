import type { MetricsSnapshot } from "@/server/services/registry/metrics-snapshot";
import type { GateResult, MetricGate } from "@/contracts/deployments";

/**
 * Compares the candidate's metric with the current production version's. Without a production version there is
 * nothing to compare against, so the gate passes and says so; a candidate without the metric fails.
 */
export function evaluateMetricGate(
  gate: MetricGate,
  candidate: MetricsSnapshot,
  production: { version: number; metrics: MetricsSnapshot } | null,
): GateResult {
  const value = candidate[gate.metric];
  if (value === undefined)
    return { gate: "metric", passed: false, detail: `The candidate has no "${gate.metric}" metric` };
  if (!production)
    return { gate: "metric", passed: true, candidate: value, detail: "No production version to compare with" };
  const baseline = production.metrics[gate.metric];
  if (baseline === undefined) {
    return {
      gate: "metric",
      passed: true,
      candidate: value,
      detail: `Production v${production.version} has no "${gate.metric}" metric to compare with`,
    };
  }
  const passed = gate.higherIsBetter ? value >= baseline - gate.tolerance : value <= baseline + gate.tolerance;
  const comparison = `${gate.metric} ${value} vs ${baseline} in production v${production.version}`;
  return {
    gate: "metric",
    passed,
    candidate: value,
    production: baseline,
    detail: passed ? comparison : `Worse than production: ${comparison}`,
  };
}
