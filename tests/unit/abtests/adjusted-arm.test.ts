import { describe, expect, it } from "vitest";
import { adjustedProportionArm, proportionArm } from "@/server/services/abtests/statistics/arms";
import { msprtLook } from "@/server/services/abtests/statistics/msprt";

describe("Agresti–Caffo adjusted proportion arms", () => {
  it("keep p̂ as the mean and give an all-or-nothing arm a positive variance, (x+1)/(n+2) worked by hand", () => {
    expect(adjustedProportionArm(0, 8)).toMatchObject({ n: 8, mean: 0 });
    expect(adjustedProportionArm(0, 8).variance).toBeCloseTo(0.1 * 0.9, 15);
    expect(adjustedProportionArm(8, 8)).toMatchObject({ n: 8, mean: 1 });
    expect(adjustedProportionArm(8, 8).variance).toBeCloseTo(0.9 * 0.1, 15);
    expect(proportionArm(8, 8).variance).toBe(0);
  });

  it("tend to the plug-in variance as n grows", () => {
    const n = 1_000_000;
    expect(adjustedProportionArm(n / 4, n).variance).toBeCloseTo(proportionArm(n / 4, n).variance, 6);
  });

  it("let a challenger failing every request be told from a champion failing none", () => {
    const look = msprtLook(adjustedProportionArm(0, 190), adjustedProportionArm(190, 190), 0.25 / 1000);
    expect(look.rejected).toBe(true);
    expect(look.lower).toBeGreaterThan(0.9);
  });
});
