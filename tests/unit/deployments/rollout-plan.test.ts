import { describe, expect, it } from "vitest";
import { rolloutSteps, splitTraffic } from "@/server/services/deployments/rollout-plan";

describe("rolloutSteps", () => {
  it("shifts everything at once", () => {
    expect(rolloutSteps({ kind: "all-at-once" })).toEqual([{ candidatePercent: 100, bakeSeconds: 0 }]);
  });

  it("bakes a canary at its share before shifting the rest", () => {
    expect(rolloutSteps({ kind: "canary", canaryPercent: 10, bakeSeconds: 300 })).toEqual([
      { candidatePercent: 10, bakeSeconds: 300 },
      { candidatePercent: 100, bakeSeconds: 0 },
    ]);
  });

  it("moves in equal linear steps and always ends at 100%", () => {
    expect(
      rolloutSteps({ kind: "linear", stepPercent: 30, stepBakeSeconds: 60 }).map((s) => s.candidatePercent),
    ).toEqual([30, 60, 90, 100]);
    expect(
      rolloutSteps({ kind: "linear", stepPercent: 25, stepBakeSeconds: 60 }).map((s) => s.candidatePercent),
    ).toEqual([25, 50, 75, 100]);
  });

  it("refuses shares outside 1–99", () => {
    expect(() => rolloutSteps({ kind: "canary", canaryPercent: 0, bakeSeconds: 1 })).toThrow(/canaryPercent/);
    expect(() => rolloutSteps({ kind: "linear", stepPercent: 100, stepBakeSeconds: 1 })).toThrow(/stepPercent/);
    expect(() => rolloutSteps({ kind: "canary", canaryPercent: 12.5, bakeSeconds: 1 })).toThrow(/whole number/);
  });
});

describe("splitTraffic", () => {
  it("gives a first deployment all the traffic", () => {
    expect(splitTraffic("v2", 10, {})).toEqual({ v2: 100 });
  });

  it("keeps the incumbents' relative shares and sums to 100", () => {
    expect(splitTraffic("v3", 10, { v1: 50, v2: 50 })).toEqual({ v3: 10, v1: 45, v2: 45 });
    const odd = splitTraffic("v4", 10, { v1: 1, v2: 1, v3: 1 });
    expect(Object.values(odd).reduce((a, b) => a + b, 0)).toBe(100);
    expect(odd.v4).toBe(10);
  });

  it("moves the candidate's own old weight into the split rather than counting it twice", () => {
    expect(splitTraffic("v2", 100, { v1: 90, v2: 10 })).toEqual({ v2: 100, v1: 0 });
  });
});
