import { describe, expect, it } from "vitest";
import { hashKey, pickVariant } from "@/runtime/serving/routing";
import { seededRandom } from "@/training/random";

const variants = [
  { variantName: "stable", weight: 90 },
  { variantName: "canary", weight: 10 },
];

function shares(picks: Array<{ variantName: string } | undefined>) {
  const counts: Record<string, number> = {};
  for (const pick of picks) if (pick) counts[pick.variantName] = (counts[pick.variantName] ?? 0) + 1;
  return counts;
}

describe("pickVariant", () => {
  it("splits random traffic in proportion to the weights", () => {
    const random = seededRandom(1);
    const counts = shares(Array.from({ length: 20_000 }, () => pickVariant(variants, undefined, random.uniform)));
    expect(counts.canary! / 20_000).toBeGreaterThan(0.09);
    expect(counts.canary! / 20_000).toBeLessThan(0.11);
  });

  it("splits routing keys in proportion to the weights too", () => {
    const counts = shares(Array.from({ length: 20_000 }, (_, i) => pickVariant(variants, `customer-${i}`)));
    expect(counts.canary! / 20_000).toBeGreaterThan(0.09);
    expect(counts.canary! / 20_000).toBeLessThan(0.11);
  });

  it("sends the same routing key to the same variant while the weights are unchanged, whatever the list order", () => {
    for (let i = 0; i < 200; i++) {
      const key = `user-${i}`;
      const first = pickVariant(variants, key)?.variantName;
      expect(pickVariant([...variants].reverse(), key)?.variantName).toBe(first);
      expect(pickVariant(variants, key, () => 0.999)?.variantName).toBe(first);
    }
  });

  it("never picks a variant with weight 0 and answers undefined when nothing has traffic", () => {
    const drained = [
      { variantName: "old", weight: 0 },
      { variantName: "new", weight: 100 },
    ];
    for (let i = 0; i < 100; i++) expect(pickVariant(drained, `k${i}`)?.variantName).toBe("new");
    expect(pickVariant([{ variantName: "a", weight: 0 }])).toBeUndefined();
  });

  it("moves only the keys it must when the canary grows", () => {
    const grown = [
      { variantName: "stable", weight: 50 },
      { variantName: "canary", weight: 50 },
    ];
    let movedAwayFromCanary = 0;
    for (let i = 0; i < 2000; i++) {
      const key = `k${i}`;
      if (pickVariant(variants, key)?.variantName === "canary" && pickVariant(grown, key)?.variantName !== "canary")
        movedAwayFromCanary++;
    }
    expect(movedAwayFromCanary).toBe(0);
  });

  it("hashes keys stably (FNV-1a)", () => {
    expect(hashKey("")).toBe(0x811c9dc5);
    expect(hashKey("a")).toBe(0xe40c292c);
  });
});
