import { describe, expect, it } from "vitest";
import { tokenCostNote } from "@/components/endpoints/llm-format";
import { llmCost } from "@/server/services/endpoints/llm-metrics";
import type { VariantUsage } from "@/server/services/cost/schemas";

const usage = (variant: string, instanceType: string, instanceSeconds: number, instancesNow: number): VariantUsage => ({
  endpoint: "support-chat",
  variant,
  instanceType,
  target: "KUBERNETES",
  instanceSeconds,
  instancesNow,
});

describe("dollars per million tokens", () => {
  it("divides the instance cost of the window by its tokens", () => {
    // Two L4s for an hour at $0.80 and one for half an hour: $2.00 for 4M tokens, $0.50 per 1M.
    const prices = new Map([["gpu-l4", 0.8]]);
    const cost = llmCost([usage("v1", "gpu-l4", 7200, 2), usage("v2", "gpu-l4", 1800, 1)], prices, 4_000_000);
    expect(cost.usd).toBeCloseTo(2, 12);
    expect(cost.usdPerHourNow).toBeCloseTo(2.4, 12);
    expect(cost.usdPer1MTokens).toBeCloseTo(0.5, 12);
    expect(tokenCostNote(cost)).toBeNull();
  });

  it("gives no figure, and says why, when tokens, instance time or a price is missing", () => {
    const prices = new Map([["gpu-l4", 0.8]]);
    const noTokens = llmCost([usage("v1", "gpu-l4", 3600, 1)], prices, 0);
    expect(noTokens.usdPer1MTokens).toBeNull();
    expect(tokenCostNote(noTokens)).toBe("No tokens measured yet in this range.");
    expect(tokenCostNote(llmCost([usage("v1", "gpu-l4", 3600, 1)], prices, null))).toMatch(/No tokens measured/);
    const unpriced = llmCost([usage("v1", "gpu-h100", 3600, 1)], prices, 1000);
    expect(unpriced).toMatchObject({ usd: null, usdPer1MTokens: null, unpricedInstanceTypes: ["gpu-h100"] });
    expect(tokenCostNote(unpriced)).toMatch(/No price for gpu-h100/);
    const noInstances = llmCost([], prices, 1000);
    expect(noInstances).toMatchObject({ usd: null, usdPerHourNow: null, usdPer1MTokens: null });
    expect(tokenCostNote(noInstances)).toMatch(/No instance time measured/);
  });
});
