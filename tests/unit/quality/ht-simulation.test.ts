import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/mulberry32";
import { classificationQuality, type ClassificationRow } from "@/server/services/quality/estimators/classification";
import { DEFAULT_CONFIDENCE } from "@/server/services/quality/estimators/ratio";

const random = mulberry32;

const THRESHOLD = 0.5;
const POPULATION = 20_000;
const REPETITIONS = 400;
/** The uncertainty stratum (scores within 0.1 of the threshold) is sampled at 40%, everything else at 3%. */
const piOf = (score: number) => (Math.abs(score - THRESHOLD) < 0.1 ? 0.4 : 0.03);

type Unit = { predicted: string; actual: string; score: number };

function population(): Unit[] {
  const next = random(11);
  return Array.from({ length: POPULATION }, () => {
    const score = next();
    return { score, predicted: score >= THRESHOLD ? "1" : "0", actual: next() < score ? "1" : "0" };
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

describe("Horvitz–Thompson (Hájek) weighting when the uncertainty stratum is over-sampled", () => {
  const units = population();
  const tp = units.filter((u) => u.predicted === "1" && u.actual === "1").length;
  const truePrecision = tp / units.filter((u) => u.predicted === "1").length;
  const trueRecall = tp / units.filter((u) => u.actual === "1").length;

  const weighted = { precision: [] as number[], recall: [] as number[] };
  const naive = { precision: [] as number[], recall: [] as number[] };
  const covered = { precision: 0, recall: 0 };
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const next = random(1000 + rep);
    const sample: ClassificationRow[] = units
      .filter((u) => next() < piOf(u.score))
      .map((u) => ({ ...u, pi: piOf(u.score) }));
    const estimate = classificationQuality(sample, ["0", "1"], { confidence: DEFAULT_CONFIDENCE }).classes[1]!;
    const unweighted = classificationQuality(
      sample.map((s) => ({ ...s, pi: 1 })),
      ["0", "1"],
      { confidence: DEFAULT_CONFIDENCE },
    ).classes[1]!;
    weighted.precision.push(estimate.precision.value!);
    weighted.recall.push(estimate.recall.value!);
    naive.precision.push(unweighted.precision.value!);
    naive.recall.push(unweighted.recall.value!);
    const p = estimate.precision.interval!;
    const r = estimate.recall.interval!;
    if (p.lower <= truePrecision && truePrecision <= p.upper) covered.precision++;
    if (r.lower <= trueRecall && trueRecall <= r.upper) covered.recall++;
  }

  it("the weighted estimates are unbiased: their mean is within 3 standard errors of the population value", () => {
    for (const metric of ["precision", "recall"] as const) {
      const truth = metric === "precision" ? truePrecision : trueRecall;
      const standardError = sd(weighted[metric]) / Math.sqrt(REPETITIONS);
      expect(Math.abs(mean(weighted[metric]) - truth)).toBeLessThan(3 * standardError);
    }
  });

  it("the naive (unweighted) estimates are clearly biased: off by more than 20 standard errors", () => {
    for (const metric of ["precision", "recall"] as const) {
      const truth = metric === "precision" ? truePrecision : trueRecall;
      const standardError = sd(naive[metric]) / Math.sqrt(REPETITIONS);
      expect(Math.abs(mean(naive[metric]) - truth)).toBeGreaterThan(20 * standardError);
      expect(Math.abs(mean(naive[metric]) - truth)).toBeGreaterThan(0.05);
    }
  });

  it("the 95% intervals cover the population value close to 95% of the time", () => {
    expect(covered.precision / REPETITIONS).toBeGreaterThan(0.92);
    expect(covered.precision / REPETITIONS).toBeLessThan(0.98);
    expect(covered.recall / REPETITIONS).toBeGreaterThan(0.92);
    expect(covered.recall / REPETITIONS).toBeLessThan(0.98);
  });
});
