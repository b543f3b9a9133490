import { describe, expect, it } from "vitest";
import { feedbackInput } from "@/contracts/feedback";
import { checkResolved, checkRows } from "@/server/services/capture/feedback-rows";

const NOW = new Date("2026-12-02T12:00:00Z");
const classifier = { kind: "classification", classes: ["legit", "fraud"], decisionThreshold: 0.5 } as const;
const ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

describe("feedback rows", () => {
  it("refuses rows with both keys, neither, or both label and value, per row", () => {
    const result = feedbackInput.safeParse({
      outcomes: [
        { predictionId: ID, correlationId: "x", label: "fraud", knownAt: "2026-12-02T11:00:00Z" },
        { label: "fraud", knownAt: "2026-12-02T11:00:00Z" },
        { correlationId: "x", label: "fraud", value: 1, knownAt: "2026-12-02T11:00:00Z" },
      ],
    });
    expect(result.success).toBe(false);
    const rows = new Set(result.error?.issues.map((issue) => issue.path.slice(0, 2).join(".")));
    expect(rows).toEqual(new Set(["outcomes.0", "outcomes.1", "outcomes.2"]));
  });

  it("accepts a clock skew of five minutes into the future, not more", () => {
    const rows = [
      { predictionId: ID, label: "fraud", knownAt: "2026-12-02T12:04:59Z" },
      { correlationId: "a", label: "fraud", knownAt: "2026-12-02T12:05:01Z" },
    ];
    expect(checkRows(rows, classifier, NOW).issues).toEqual([
      { path: "outcomes.1.knownAt", message: "knownAt lies in the future" },
    ]);
  });

  it("lets a key repeat with the same outcome, not with a different one; ids compare case-insensitively", () => {
    const rows = [
      { predictionId: ID, label: "fraud", knownAt: "2026-12-02T10:00:00Z" },
      { predictionId: ID.toUpperCase(), label: "fraud", knownAt: "2026-12-02T11:00:00Z" },
      { predictionId: ID, label: "legit", knownAt: "2026-12-02T11:00:00Z" },
    ];
    const { issues } = checkRows(rows, classifier, NOW);
    expect(issues.map((issue) => issue.path)).toEqual(["outcomes.2.predictionId"]);
  });

  it("checks labels against the model's classes and values only for regressors", () => {
    const rows = [
      { correlationId: "a", label: "maybe", knownAt: "2026-12-02T10:00:00Z" },
      { correlationId: "b", value: 3, knownAt: "2026-12-02T10:00:00Z" },
    ];
    expect(checkRows(rows, classifier, NOW).issues.map((i) => i.path)).toEqual([
      "outcomes.0.label",
      "outcomes.1.value",
    ]);
    expect(checkRows(rows, { kind: "regression" }, NOW).issues.map((i) => i.path)).toEqual(["outcomes.0.label"]);
  });

  it("refuses an outcome known before its prediction, and two keys reaching one prediction with different outcomes", () => {
    const { rows } = checkRows(
      [
        { predictionId: ID, label: "fraud", knownAt: "2026-12-02T09:00:00Z" },
        { correlationId: "txn", label: "legit", knownAt: "2026-12-02T11:00:00Z" },
      ],
      classifier,
      NOW,
    );
    const prediction = { id: ID, predictedAt: new Date("2026-12-02T10:00:00Z") };
    expect(checkResolved(rows, () => prediction).map((issue) => issue.path)).toEqual([
      "outcomes.0.knownAt",
      "outcomes.1.correlationId",
    ]);
  });
});
