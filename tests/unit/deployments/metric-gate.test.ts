import { describe, expect, it } from "vitest";
import { evaluateMetricGate } from "@/server/services/deployments/metric-gate";

const auc = { metric: "auc", higherIsBetter: true, tolerance: 0 };
const mae = { metric: "mae", higherIsBetter: false, tolerance: 0.5 };

describe("evaluateMetricGate", () => {
  it("passes when there is no production version, and says so", () => {
    expect(evaluateMetricGate(auc, { auc: 0.8 }, null)).toMatchObject({
      passed: true,
      detail: "No production version to compare with",
    });
  });

  it("fails a candidate without the metric", () => {
    expect(evaluateMetricGate(auc, { loss: 0.2 }, { version: 1, metrics: { auc: 0.9 } }).passed).toBe(false);
  });

  it("compares in the metric's direction, with a tolerance", () => {
    expect(evaluateMetricGate(auc, { auc: 0.91 }, { version: 3, metrics: { auc: 0.9 } }).passed).toBe(true);
    expect(evaluateMetricGate(auc, { auc: 0.89 }, { version: 3, metrics: { auc: 0.9 } })).toMatchObject({
      passed: false,
      detail: "Worse than production: auc 0.89 vs 0.9 in production v3",
    });
    expect(evaluateMetricGate(mae, { mae: 4.4 }, { version: 2, metrics: { mae: 4.0 } }).passed).toBe(true);
    expect(evaluateMetricGate(mae, { mae: 4.6 }, { version: 2, metrics: { mae: 4.0 } }).passed).toBe(false);
  });
});
