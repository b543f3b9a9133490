import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/mulberry32";
import { classificationQuality, type ClassificationRow } from "@/server/services/quality/estimators/classification";
import { DEFAULT_CONFIDENCE, ratioEstimate } from "@/server/services/quality/estimators/ratio";
import { responseRates } from "@/server/services/quality/response-rates";

/**
 * Coverage of the 95% intervals against the quantity the Quality view claims to estimate: the model's precision and
 * recall on the traffic it serves (a superpopulation parameter, known here in closed form), over many seeded
 * repetitions of traffic, feedback or label sampling. Nominal 95% ± 3 Monte Carlo standard errors
 * (√(0.95·0.05/REPETITIONS) ≈ 0.49 points at 2,000 repetitions) — deterministic, since every draw is seeded.
 */
const REPETITIONS = 2000;
const MONTE_CARLO_SE = Math.sqrt((0.95 * 0.05) / REPETITIONS);
const OPTIONS = { confidence: DEFAULT_CONFIDENCE };

const random = mulberry32;

type Interval = { lower: number; upper: number } | null;
const covers = (interval: Interval, truth: number) =>
  interval !== null && interval.lower <= truth && truth <= interval.upper;

function expectNominal(covered: number, label: string) {
  const rate = covered / REPETITIONS;
  expect(rate, `${label}: ${rate}`).toBeGreaterThan(0.95 - 3 * MONTE_CARLO_SE);
  expect(rate, `${label}: ${rate}`).toBeLessThan(0.95 + 3 * MONTE_CARLO_SE);
}

describe("API feedback (π = 1) missing at random per day, with different feedback rates per day", () => {
  // Per day: traffic N, P(predicted fraud) a, P(fraud | predicted fraud) p, P(fraud | predicted legit) q, and the
  // share of predictions that get feedback φ. The day with the worst precision gets the least feedback.
  const days = [
    { n: 400, a: 0.3, p: 0.9, q: 0.1, phi: 0.3 },
    { n: 300, a: 0.5, p: 0.6, q: 0.3, phi: 0.05 },
    { n: 500, a: 0.4, p: 0.75, q: 0.2, phi: 0.15 },
  ];
  const tp = days.reduce((s, d) => s + d.n * d.a * d.p, 0);
  const truePrecision = tp / days.reduce((s, d) => s + d.n * d.a, 0);
  const trueRecall = tp / days.reduce((s, d) => s + d.n * (d.a * d.p + (1 - d.a) * d.q), 0);

  const covered = { precision: 0, recall: 0 };
  const estimates: number[] = [];
  const unadjusted: number[] = [];
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const next = random(50_000 + rep);
    const sample: Array<ClassificationRow & { day: number }> = [];
    days.forEach((d, day) => {
      for (let i = 0; i < d.n; i++) {
        const predicted = next() < d.a ? "fraud" : "legit";
        const actual = next() < (predicted === "fraud" ? d.p : d.q) ? "fraud" : "legit";
        if (next() < d.phi) sample.push({ predicted, actual, score: null, pi: 1, stratum: `day${day}`, day });
      }
    });
    const rates = responseRates(
      "feedback",
      days.map((d, day) => ({ captured: d.n, known: sample.filter((s) => s.day === day).length })),
    );
    const weighted = sample.map((s) => ({ ...s, pi: rates[s.day]! }));
    const fraud = classificationQuality(weighted, ["legit", "fraud"], OPTIONS).classes[1]!;
    if (covers(fraud.precision.interval, truePrecision)) covered.precision++;
    if (covers(fraud.recall.interval, trueRecall)) covered.recall++;
    estimates.push(fraud.precision.value!);
    unadjusted.push(classificationQuality(sample, ["legit", "fraud"], OPTIONS).classes[1]!.precision.value!);
  }

  it("the 95% intervals of precision and recall cover the true values 95% of the time", () => {
    expectNominal(covered.precision, "precision");
    expectNominal(covered.recall, "recall");
  });

  it("weighting by the day's feedback rate removes the bias the unadjusted complete-case estimate has", () => {
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(estimates) - truePrecision)).toBeLessThan(0.005);
    expect(mean(unadjusted) - truePrecision).toBeGreaterThan(0.02);
  });
});

describe("small samples of API feedback: about 40 outcomes", () => {
  it("the Wilson interval at n* keeps coverage near 95% where a Wald interval falls short", () => {
    const truth = 0.9;
    let covered = 0;
    let wald = 0;
    const z = 1.959963984540054;
    for (let rep = 0; rep < REPETITIONS; rep++) {
      const next = random(90_000 + rep);
      const terms = Array.from({ length: 40 }, () => ({ y: next() < truth ? 1 : 0, x: 1, pi: 1 }));
      const estimate = ratioEstimate(terms, { ...OPTIONS, proportion: true });
      if (covers(estimate.interval, truth)) covered++;
      const half = z * estimate.standardError!;
      if (Math.abs(estimate.value! - truth) <= half) wald++;
    }
    expectNominal(covered, "wilson");
    expect(wald / REPETITIONS).toBeLessThan(0.95 - 3 * MONTE_CARLO_SE);
  });
});

describe("review labels: an unequal-probability sample that over-samples the uncertainty stratum", () => {
  // Scores uniform on [0, 1], predicted fraud when ≥ 0.5, fraud with probability equal to the score: precision and
  // recall are both E[s | s ≥ 0.5] = 0.75 and (∫_{.5}^1 s ds)/(∫_0^1 s ds) = 0.75.
  const truth = 0.75;
  const piOf = (score: number) => (Math.abs(score - 0.5) < 0.1 ? 0.4 : 0.03);
  const covered = { precision: 0, recall: 0 };
  for (let rep = 0; rep < REPETITIONS; rep++) {
    const next = random(70_000 + rep);
    const sample: ClassificationRow[] = [];
    for (let i = 0; i < 3000; i++) {
      const score = next();
      const actual = next() < score ? "fraud" : "legit";
      const pi = piOf(score);
      if (next() < pi) sample.push({ predicted: score >= 0.5 ? "fraud" : "legit", actual, score, pi });
    }
    const fraud = classificationQuality(sample, ["legit", "fraud"], OPTIONS).classes[1]!;
    if (covers(fraud.precision.interval, truth)) covered.precision++;
    if (covers(fraud.recall.interval, truth)) covered.recall++;
  }

  it("the 95% intervals of precision and recall cover the true values 95% of the time", () => {
    expectNominal(covered.precision, "precision");
    expectNominal(covered.recall, "recall");
  });
});
