import { describe, expect, it } from "vitest";
import {
  abTestFormSchema,
  championWeightOf,
  toCreateInput,
  type AbTestFormValues,
} from "@/components/abtests/ab-test-form-schema";
import { formatDays, formatMetricValue } from "@/components/abtests/ab-test-format";

const values: AbTestFormValues = {
  name: "gbt vs lr",
  assignment: "STICKY",
  challengers: [{ version: "2", weight: "20" }],
  primaryMetric: "precision",
  mde: "0.05",
  alpha: "0.05",
  power: "0.8",
  baseline: "",
  guardrails: ["error_rate"],
  secondary: [],
};

describe("A/B set-up form", () => {
  it("gives the champion what the challengers leave", () => {
    expect(championWeightOf([{ weight: "20" }, { weight: "15" }])).toBe(65);
    expect(championWeightOf([{ weight: "" }])).toBe(100);
  });

  it("turns the form's text into the server's input, an empty baseline left to be measured", () => {
    expect(toCreateInput("fraud-staging", values)).toEqual({
      endpointName: "fraud-staging",
      name: "gbt vs lr",
      assignment: "STICKY",
      championWeight: 80,
      challengers: [{ version: 2, weight: 20 }],
      preRegistration: { primaryMetric: "precision", mde: 0.05, alpha: 0.05, power: 0.8, baseline: undefined },
      guardrails: ["error_rate"],
      secondary: [],
    });
  });

  it("drops the primary metric from the other roles, whose row the form hides once it is chosen", () => {
    const input = toCreateInput("fraud-staging", { ...values, primaryMetric: "error_rate", secondary: ["error_rate"] });
    expect([input.guardrails, input.secondary]).toEqual([[], []]);
  });

  it("refuses what the server refuses, with its words", () => {
    const result = abTestFormSchema("fraud-staging").safeParse({
      ...values,
      mde: "",
      challengers: [{ version: "2", weight: "100" }],
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    expect(messages).toContain("championWeight: The champion keeps at least 1 % of the traffic");
    expect(messages).toContain("challengers.0.weight: A challenger gets 1–99 % of the traffic");
    expect(messages.some((m) => m.startsWith("preRegistration.mde:"))).toBe(true);
  });
});

describe("A/B formatting", () => {
  it("shows rates as percentages and durations in days or hours", () => {
    expect(formatMetricValue("precision", 0.8)).toBe("80.0 %");
    expect(formatMetricValue("error_rate", 0.005)).toBe("0.50 %");
    expect(formatMetricValue("absolute_error", 6.25)).toBe("6.25");
    expect(formatDays(null)).toMatch(/unknown/);
    expect(formatDays(0.5)).toBe("12 h");
    expect(formatDays(12.34)).toBe("12.3 days");
  });
});
