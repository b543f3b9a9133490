import { describe, expect, it } from "vitest";
import { plannedStepNames } from "@/server/services/deployments/deployment-views";

describe("plannedStepNames", () => {
  it("lists the steps of each strategy in the order the state machine runs them", () => {
    expect(plannedStepNames({ kind: "all-at-once" })).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-endpoint",
      "wait-healthy",
      "shift-traffic:1",
      "finalize",
      "move-alias",
    ]);
    expect(plannedStepNames({ kind: "canary", canaryPercent: 5, bakeSeconds: 60 })).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-endpoint",
      "wait-healthy",
      "shift-traffic:1",
      "bake:1",
      "shift-traffic:2",
      "finalize",
      "move-alias",
    ]);
    expect(plannedStepNames({ kind: "linear", stepPercent: 50, stepBakeSeconds: 10 })).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-endpoint",
      "wait-healthy",
      "shift-traffic:1",
      "bake:1",
      "shift-traffic:2",
      "finalize",
      "move-alias",
    ]);
  });

  it("leaves the traffic steps to a target that shifts traffic natively, then plans the portal's own reading", () => {
    expect(plannedStepNames({ kind: "canary", canaryPercent: 5, bakeSeconds: 60 }, "native")).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-endpoint",
      "wait-healthy",
      "bake:1",
      "finalize",
      "move-alias",
    ]);
    expect(plannedStepNames({ kind: "all-at-once" }, "native")).toEqual([
      "record-prior-state",
      "validate-artifact",
      "apply-endpoint",
      "wait-healthy",
      "finalize",
      "move-alias",
    ]);
  });
});
