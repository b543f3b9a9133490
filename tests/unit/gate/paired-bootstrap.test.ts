import { describe, expect, it } from "vitest";
import { pairedBootstrap } from "@/server/services/quality/gate/paired-bootstrap";
import { seededRandom } from "@/server/services/quality/gate/random";
import type { GoldenOutcomes } from "@/server/services/quality/gate/golden-metrics";

/**
 * Simulated golden sets where the true difference is known: every row is class "1" and each model is right with a
 * fixed probability, correlated through a shared "hard row" draw, so Δaccuracy = pCandidate − pChampion exactly.
 */
function simulate(n: number, random: () => number) {
  const expected = new Int32Array(n).fill(1);
  const candidate = new Int32Array(n);
  const champion = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const hard = random() < 0.3;
    candidate[i] = random() < (hard ? 0.6 : 0.95) ? 1 : 0; // P(right) = 0.3·0.6 + 0.7·0.95 = 0.845
    champion[i] = random() < (hard ? 0.5 : 0.9) ? 1 : 0; // P(right) = 0.3·0.5 + 0.7·0.9 = 0.78
  }
  const outcomes: GoldenOutcomes = { kind: "classification", classes: ["0", "1"], expected };
  return { outcomes, candidate, champion };
}
const TRUE_DELTA = 0.845 - 0.78;
const accuracy = [{ criterion: { metric: "accuracy" as const }, classIndex: -1 }];

describe("paired bootstrap interval of Δ", () => {
  it("covers a known difference about 95% of the time across seeded repetitions", () => {
    const random = seededRandom(20261202);
    const repetitions = 300;
    let covered = 0;
    for (let r = 0; r < repetitions; r++) {
      const { outcomes, candidate, champion } = simulate(300, random);
      const [interval] = pairedBootstrap(outcomes, candidate, champion, accuracy, {
        resamples: 500,
        confidenceLevel: 0.95,
        seed: r + 1,
      });
      if (interval && interval.lower <= TRUE_DELTA && TRUE_DELTA <= interval.upper) covered += 1;
    }
    // Binomial sd of the coverage over 300 repetitions is about 1.3 points.
    expect(covered / repetitions).toBeGreaterThan(0.9);
    expect(covered / repetitions).toBeLessThan(0.99);
  }, 60_000);

  it("is reproducible from its seed and narrower when the models err on the same rows", () => {
    const { outcomes, candidate, champion } = simulate(400, seededRandom(7));
    const options = { resamples: 1000, confidenceLevel: 0.95, seed: 42 };
    const first = pairedBootstrap(outcomes, candidate, champion, accuracy, options)[0]!;
    expect(pairedBootstrap(outcomes, candidate, champion, accuracy, options)[0]).toEqual(first);
    // Identical predictions: Δ is exactly 0 on every resample.
    const same = pairedBootstrap(outcomes, candidate, candidate, accuracy, options)[0]!;
    expect(same).toMatchObject({ lower: 0, upper: 0 });
    expect(first.upper - first.lower).toBeGreaterThan(0);
  });

  it("reports no interval when the metric is undefined on most resamples", () => {
    const outcomes: GoldenOutcomes = { kind: "classification", classes: ["0", "1"], expected: new Int32Array(50) };
    const predicted = new Int32Array(50);
    const recallOfOne = [{ criterion: { metric: "recall" as const }, classIndex: 1 }];
    expect(
      pairedBootstrap(outcomes, predicted, predicted, recallOfOne, { resamples: 200, confidenceLevel: 0.95, seed: 1 }),
    ).toEqual([null]);
  });
});
