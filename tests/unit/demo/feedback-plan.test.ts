import { describe, expect, it } from "vitest";
import { seededRandom } from "@/training/random";
import { DEMO_FEEDBACK, plannedOutcomes, takeDue, type PendingOutcome } from "@/scripts/demo-traffic/feedback-plan";
import type { ServedBatch } from "@/scripts/traffic/generate-traffic";

const servedAt = new Date("2026-12-02T10:00:00Z");

function batch(targets: number[]): ServedBatch {
  return {
    endpoint: "fraud-prod",
    source: "fraud-transactions",
    variant: "v1",
    predictionIds: targets.map((_, i) => `id-${i}`),
    targets,
    servedAt,
  };
}

const fraud = { kind: "classification", classes: ["legit", "fraud"] } as const;

describe("DEMO feedback plan", () => {
  it("reports about the configured share of outcomes, each with its row's true class, inside the delay window", () => {
    const targets = Array.from({ length: 5_000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const planned = plannedOutcomes(batch(targets), fraud, seededRandom(1));
    expect(planned.length / targets.length).toBeGreaterThan(DEMO_FEEDBACK.classification.share - 0.03);
    expect(planned.length / targets.length).toBeLessThan(DEMO_FEEDBACK.classification.share + 0.03);
    for (const outcome of planned) {
      const row = Number(outcome.predictionId.slice(3));
      expect(outcome.outcome).toEqual({ label: targets[row] === 1 ? "fraud" : "legit" });
      expect(outcome.dueAt - servedAt.getTime()).toBeGreaterThanOrEqual(DEMO_FEEDBACK.classification.minDelayMs);
      expect(outcome.dueAt - servedAt.getTime()).toBeLessThan(DEMO_FEEDBACK.classification.maxDelayMs);
    }
  });

  it("reports a regressor's true value, and nothing for rows the runtime gave no id", () => {
    const served = { ...batch([31.5, 12]), predictionIds: ["only-one"] };
    const planned = plannedOutcomes(served, { kind: "regression" }, seededRandom(3));
    expect(planned.every((outcome) => outcome.predictionId === "only-one")).toBe(true);
    expect(planned.map((outcome) => outcome.outcome)).toEqual(planned.length ? [{ value: 31.5 }] : []);
  });

  it("takes what is due, grouped by endpoint and capped per call, and keeps the rest", () => {
    const at = (endpoint: string, dueAt: number, id: string): PendingOutcome => ({
      endpoint,
      predictionId: id,
      dueAt,
      outcome: { label: "legit" },
    });
    const pending = [at("a", 1, "1"), at("b", 2, "2"), at("a", 3, "3"), at("a", 9, "4"), at("a", 1, "5")];
    const groups = takeDue(pending, 5, 2);
    expect(groups.map((group) => group.map((o) => o.predictionId))).toEqual([["1", "3"], ["2"]]);
    expect(pending.map((o) => o.predictionId)).toEqual(["4", "5"]);
  });
});
