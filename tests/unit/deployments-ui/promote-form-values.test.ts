import { describe, expect, it } from "vitest";
import { INITIAL_PROMOTE_VALUES, toPromotionInput } from "@/components/deployments/promote-form-values";
import { strategySummary } from "@/components/deployments/labels";
import { requestPromotionInput } from "@/contracts/deployments";

describe("toPromotionInput", () => {
  it("builds a canary promotion with a metric gate the server schema accepts", () => {
    const input = toPromotionInput(
      {
        ...INITIAL_PROMOTE_VALUES,
        environment: "PRODUCTION",
        strategyKind: "canary",
        canaryPercent: "10",
        bakeSeconds: "120",
        reason: "better AUC",
        gateEnabled: true,
        gateMetric: "auc",
        gateTolerance: "0.01",
      },
      "fraud",
      3,
    );
    expect(requestPromotionInput.parse(input)).toEqual({
      modelName: "fraud",
      version: 3,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "canary", canaryPercent: 10, bakeSeconds: 120, tooFewRequests: "ask" },
      reason: "better AUC",
      metricGate: { metric: "auc", higherIsBetter: true, tolerance: 0.01 },
    });
  });

  it("leaves the gate out when it is off and reports an empty step size instead of reading it as 0", () => {
    const input = toPromotionInput(
      { ...INITIAL_PROMOTE_VALUES, strategyKind: "linear", stepPercent: "", reason: "x" },
      "fraud",
      1,
    );
    expect(input.metricGate).toBeUndefined();
    const result = requestPromotionInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["strategy.stepPercent"]);
  });

  it("refuses a blank reason with the schema's message", () => {
    const result = requestPromotionInput.safeParse(
      toPromotionInput({ ...INITIAL_PROMOTE_VALUES, reason: "  " }, "fraud", 1),
    );
    expect(result.error?.issues[0]?.message).toBe("Say why this version should be promoted");
  });
});

describe("strategySummary", () => {
  it("summarises each kind", () => {
    expect(strategySummary({ kind: "all-at-once" })).toBe("All at once");
    expect(strategySummary({ kind: "canary", canaryPercent: 10, bakeSeconds: 90, tooFewRequests: "ask" })).toBe(
      "Canary 10%, bake 1m 30s",
    );
    expect(strategySummary({ kind: "linear", stepPercent: 25, stepBakeSeconds: 30, tooFewRequests: "roll-back" })).toBe(
      "Linear 25% steps, bake 30s each; rolls back if too few requests",
    );
  });
});
