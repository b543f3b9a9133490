import { describe, expect, it } from "vitest";
import type { DeploymentTargetKind } from "@/contracts/enums";
import { dollarsFor } from "@/server/services/cost/cost-math";
import { costRows, groupings } from "@/server/services/cost/cost-rows";
import type { EndpointOwner } from "@/server/services/cost/endpoint-owners";
import type { EndpointPredictions, PredictionSource, VariantUsage } from "@/server/services/cost/schemas";

const SOURCE: Record<DeploymentTargetKind, PredictionSource> = {
  LOCAL: "local-runtime",
  KUBERNETES: "kubernetes-pods",
  SAGEMAKER: "cloudwatch",
};

/** One team's three endpoints, one per target, with very different costs and prediction counts. */
const ENDPOINTS = [
  { name: "fraud-production-local", target: "LOCAL", type: "local-cpu", instances: 1, predictions: 90_000 },
  { name: "fraud-production-sagemaker", target: "SAGEMAKER", type: "ml.g5.xlarge", instances: 4, predictions: 1_000 },
  { name: "fraud-production-kubernetes", target: "KUBERNETES", type: "k8s-onnx", instances: 3, predictions: 9_000 },
] as const;
const HOUR = 3600;
const prices = new Map([
  ["local-cpu", 0.0425],
  ["ml.g5.xlarge", 1.408],
  ["k8s-onnx", 0.02125],
]);
const owners = new Map<string, EndpointOwner>(
  ENDPOINTS.map((e, i) => [
    e.name,
    {
      endpointId: `e${i}`,
      endpointName: e.name,
      modelName: "fraud",
      teamId: "risk",
      teamName: "Risk",
      target: e.target,
    },
  ]),
);
const usage: VariantUsage[] = ENDPOINTS.map((e) => ({
  endpoint: e.name,
  variant: "v1",
  instanceType: e.type,
  target: e.target,
  instanceSeconds: e.instances * HOUR,
  instancesNow: e.instances,
}));
const predictionsOf = (overrides: Partial<Record<string, number | null>> = {}) =>
  new Map<string, EndpointPredictions>(
    ENDPOINTS.map((e) => {
      const predictions = e.name in overrides ? (overrides[e.name] ?? null) : e.predictions;
      return [
        e.name,
        {
          endpoint: e.name,
          target: e.target,
          source: SOURCE[e.target],
          predictions,
          notMeasuredReason: predictions === null ? "CloudWatch did not answer" : null,
        },
      ];
    }),
  );
const costOf = (e: (typeof ENDPOINTS)[number]) => dollarsFor(e.instances * HOUR, prices.get(e.type)!);

describe("cost rows across targets", () => {
  it("divide each endpoint's cost by its own target's predictions", () => {
    const rows = costRows(usage, predictionsOf(), prices, groupings(owners).endpoint);
    for (const e of ENDPOINTS) {
      const row = rows.find((r) => r.key === e.name)!;
      expect(row.target).toBe(e.target);
      expect(row.predictions).toBe(e.predictions);
      expect(row.usdPer1kPredictions).toBeCloseTo((costOf(e) / e.predictions) * 1000, 12);
    }
  });

  it("sum per-target costs and per-target predictions alike in totals, teams and targets", () => {
    const by = groupings(owners);
    const allUsd = ENDPOINTS.reduce((sum, e) => sum + costOf(e), 0);
    const allPredictions = ENDPOINTS.reduce((sum, e) => sum + e.predictions, 0);
    for (const grouping of [by.total, by.team, by.model]) {
      const [row] = costRows(usage, predictionsOf(), prices, grouping);
      expect(row!.usd).toBeCloseTo(allUsd, 12);
      expect(row!.predictions).toBe(allPredictions);
      expect(row!.usdPer1kPredictions).toBeCloseTo((allUsd / allPredictions) * 1000, 12);
      expect(row!.target).toBeNull();
    }
    // The old arithmetic: every target's cost over the local runtime's predictions alone.
    const [total] = costRows(usage, predictionsOf(), prices, by.total);
    const localOnly = (allUsd / ENDPOINTS[0].predictions) * 1000;
    expect(total!.usdPer1kPredictions).not.toBeCloseTo(localOnly, 6);

    const targets = costRows(usage, predictionsOf(), prices, by.target);
    expect(targets.map((r) => r.label).sort()).toEqual(["Kubernetes", "Local runtime", "SageMaker"]);
    for (const e of ENDPOINTS) {
      const row = targets.find((r) => r.key === e.target)!;
      expect(row.usd).toBeCloseTo(costOf(e), 12);
      expect(row.predictions).toBe(e.predictions);
    }
  });

  it("say 'not measured' for a row whose endpoint's predictions are unknown, never a partial quotient", () => {
    const sagemaker = ENDPOINTS[1].name;
    const predictions = predictionsOf({ [sagemaker]: null });
    const by = groupings(owners);
    const [total] = costRows(usage, predictions, prices, by.total);
    expect(total).toMatchObject({ predictions: null, usdPer1kPredictions: null, predictionsNotMeasured: [sagemaker] });
    const endpoints = costRows(usage, predictions, prices, by.endpoint);
    expect(endpoints.find((r) => r.key === sagemaker)).toMatchObject({ predictions: null, usdPer1kPredictions: null });
    // The other targets keep their own numbers.
    const local = endpoints.find((r) => r.key === ENDPOINTS[0].name)!;
    expect(local.usdPer1kPredictions).toBeCloseTo((costOf(ENDPOINTS[0]) / ENDPOINTS[0].predictions) * 1000, 12);
    const targets = costRows(usage, predictions, prices, by.target);
    expect(targets.find((r) => r.key === "SAGEMAKER")?.predictions).toBeNull();
    expect(targets.find((r) => r.key === "KUBERNETES")?.predictions).toBe(ENDPOINTS[2].predictions);
  });
});
