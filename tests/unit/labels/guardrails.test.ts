import { describe, expect, it } from "vitest";
import type { Prisma } from "@/server/db/generated/client";
import type { TaskType } from "@/server/db/generated/enums";
import { guardrailReason, type GuardrailReference } from "@/server/services/labels/guardrails";

const reference: GuardrailReference = [
  { name: "postcode", kind: "CATEGORICAL", edges: [], categories: ["01001", "0742"], proportions: [0.6, 0.4, 0] },
  { name: "amount", kind: "NUMERIC", edges: [100, 200], categories: [], proportions: [0.5, 0.5, 0] },
  { name: "channel", kind: "CATEGORICAL", edges: [], categories: ["web"], proportions: [0.9, 0.1] },
];

const reason = (
  inputs: Record<string, Prisma.JsonValue>,
  score: number | null = 0.4,
  taskType: TaskType = "CLASSIFICATION",
) => guardrailReason({ inputs, score }, reference, taskType);

describe("guardrails", () => {
  it("let through what the training sample had", () => {
    expect(reason({ postcode: "01001", amount: 100, channel: "web" })).toBeNull();
    expect(reason({ postcode: ["0742"], amount: [199.5], channel: "app" })).toBeNull(); // "other" held 10 % of training
  });

  it("catch a category training never had, compared by its exact text", () => {
    expect(reason({ postcode: "1001", amount: 1 })).toBe(
      'Input "postcode" = "1001" never occurred in the training sample',
    );
    expect(reason({ postcode: 1001, amount: 1 })).toContain('"1001" never occurred');
  });

  it("catch a number in a bin the training sample left empty, and non-finite or missing inputs", () => {
    expect(reason({ postcode: "01001", amount: 200.01 })).toBe(
      'Input "amount" = 200.01 lies where the training sample had no rows',
    );
    expect(reason({ postcode: null, amount: 1 })).toBe('Input "postcode" is missing');
    expect(reason({ postcode: "01001", amount: Number.NaN })).toBe('Input "amount" is not a finite number');
  });

  it("catch a classifier or regressor without a finite score, but not models whose outputs are not numbers", () => {
    expect(reason({ postcode: "01001", amount: 1 }, null)).toBe("The model's output has no finite score");
    expect(reason({ postcode: "01001", amount: 1 }, Number.POSITIVE_INFINITY, "REGRESSION")).toBe(
      "The model's output has no finite value",
    );
    expect(reason({ postcode: "01001", amount: 1 }, null, "LLM")).toBeNull();
  });

  it("check nothing about inputs without a reference profile, or inputs it cannot read", () => {
    expect(guardrailReason({ inputs: { postcode: "x" }, score: 0.1 }, undefined, "CLASSIFICATION")).toBeNull();
    expect(reason({ postcode: { nested: true }, amount: 1 })).toBeNull();
  });
});
