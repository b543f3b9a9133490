import { describe, expect, it } from "vitest";
import { hashKey, keyPoint, pickVariant, type Weighted } from "@/runtime/serving/routing";
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

/** pickVariant as it was before salts, kept verbatim: unsalted picks must never move. */
function unsaltedPickBefore<T extends Weighted>(variants: readonly T[], routingKey: string): T | undefined {
  const eligible = variants.filter((v) => v.weight > 0).sort((a, b) => (a.variantName < b.variantName ? -1 : 1));
  const total = eligible.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return undefined;
  let point = (hashKey(routingKey) / 2 ** 32) * total;
  for (const variant of eligible) {
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return eligible[eligible.length - 1];
}

const KEYS = 20_000;
const half = [
  { variantName: "control", weight: 50 },
  { variantName: "treatment", weight: 50 },
];
const picksOf = (weights: readonly Weighted[], salt: string | undefined) =>
  Array.from({ length: KEYS }, (_, i) => pickVariant(weights, `customer-${i}`, () => 0, salt)!.variantName);

/**
 * Pearson's χ² of observed counts against the weights, and its critical value at p = 0.001 for the degrees of freedom
 * used here (1: 10.828, 2: 13.816).
 */
function chiSquare(picks: readonly string[], weights: readonly Weighted[]): { statistic: number; critical: number } {
  const total = weights.reduce((sum, v) => sum + v.weight, 0);
  let statistic = 0;
  for (const { variantName, weight } of weights) {
    const expected = (picks.length * weight) / total;
    const observed = picks.filter((p) => p === variantName).length;
    statistic += (observed - expected) ** 2 / expected;
  }
  const critical = { 1: 10.828, 2: 13.816 }[weights.length - 1];
  if (critical === undefined) throw new Error("chiSquare knows the critical values for 2 or 3 variants");
  return { statistic, critical };
}

describe("salted sticky routing", () => {
  it("sends the same key to the same variant every time for a given salt, whatever the list order or random draw", () => {
    for (let i = 0; i < 500; i++) {
      const key = `user-${i}`;
      const first = pickVariant(half, key, Math.random, "checkout-test")!.variantName;
      for (let repeat = 0; repeat < 5; repeat++) {
        expect(pickVariant(half, key, Math.random, "checkout-test")!.variantName).toBe(first);
        expect(pickVariant([...half].reverse(), key, () => 0.999, "checkout-test")!.variantName).toBe(first);
      }
    }
  });

  it("assigns keys independently under two salts: they agree on about half of 20,000 keys at 50/50", () => {
    for (const [a, b] of [
      ["checkout-test", "pricing-test"],
      ["exp-1", "exp-2"],
      ["a", "b"],
    ] as const) {
      const first = picksOf(half, a);
      const second = picksOf(half, b);
      const agreement = first.filter((pick, i) => pick === second[i]).length / KEYS;
      // Independent 50/50 picks agree with probability ½: sd √(¼/20,000) ≈ 0.35 %, so 47–53 % is ±8.5 sd.
      expect(agreement, `${a} vs ${b}`).toBeGreaterThan(0.47);
      expect(agreement, `${a} vs ${b}`).toBeLessThan(0.53);
    }
  });

  it("is also independent of the unsalted assignment", () => {
    const unsalted = picksOf(half, undefined);
    const salted = picksOf(half, "checkout-test");
    const agreement = unsalted.filter((pick, i) => pick === salted[i]).length / KEYS;
    expect(agreement).toBeGreaterThan(0.47);
    expect(agreement).toBeLessThan(0.53);
  });

  it("splits 20,000 keys in proportion to the weights (χ², p > 0.001)", () => {
    const splits: Weighted[][] = [
      half,
      variants,
      [
        { variantName: "a", weight: 20 },
        { variantName: "b", weight: 30 },
        { variantName: "c", weight: 50 },
      ],
    ];
    for (const weights of splits) {
      for (const salt of ["checkout-test", "Z", "x".repeat(64)]) {
        const { statistic, critical } = chiSquare(picksOf(weights, salt), weights);
        expect(statistic, `${weights.map((v) => v.weight).join("/")} with salt ${salt}`).toBeLessThan(critical);
      }
    }
  });

  it("picks, without a salt, exactly what it picked before salts existed", () => {
    const three = [
      { variantName: "a", weight: 20 },
      { variantName: "b", weight: 30 },
      { variantName: "c", weight: 50 },
    ];
    const names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];
    const more = ["ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter"];
    expect([...names, ...more].map((key) => pickVariant(three, key)!.variantName).join("")).toBe("ccbcbccbccccaacb");
    for (const weights of [three, variants, half]) {
      for (let i = 0; i < 5_000; i++) {
        const key = `k-${i}`;
        expect(pickVariant(weights, key)).toBe(unsaltedPickBefore(weights, key));
        expect(pickVariant(weights, key, Math.random, undefined)).toBe(unsaltedPickBefore(weights, key));
      }
    }
  });

  it("lands a key on a point in [0, 1): the unsalted one is FNV-1a's, the salted one differs by salt", () => {
    expect(keyPoint("a")).toBe(0xe40c292c / 2 ** 32);
    const points = ["s1", "s2", "s3"].map((salt) => keyPoint("a", salt));
    expect(new Set(points).size).toBe(3);
    for (const point of points) expect(point >= 0 && point < 1).toBe(true);
  });
});
