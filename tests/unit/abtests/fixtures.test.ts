import { describe, expect, it } from "vitest";
import bhFixture from "@/tests/unit/abtests/fixtures/benjamini-hochberg.json";
import horizonFixture from "@/tests/unit/abtests/fixtures/msprt-horizon.json";
import msprtFixture from "@/tests/unit/abtests/fixtures/msprt.json";
import normalFixture from "@/tests/unit/abtests/fixtures/normal.json";
import sampleSizeFixture from "@/tests/unit/abtests/fixtures/sample-size.json";
import srmFixture from "@/tests/unit/abtests/fixtures/srm.json";
import zFixture from "@/tests/unit/abtests/fixtures/z-test.json";
import { benjaminiHochberg } from "@/server/services/abtests/statistics/benjamini-hochberg";
import {
  confidenceSequenceRadius,
  horizonMixingRatio,
  logMixtureLikelihoodRatio,
  msprtHorizonCriticalRatio,
} from "@/server/services/abtests/statistics/msprt";
import { difference } from "@/server/services/abtests/statistics/arms";
import { normalCdf, normalSurvival } from "@/server/services/abtests/statistics/normal";
import {
  sampleSizeForMeans,
  sampleSizeForProportions,
  type Design,
} from "@/server/services/abtests/statistics/sample-size";
import { sampleRatioMismatch } from "@/server/services/abtests/statistics/srm";
import { fixedHorizonZTest } from "@/server/services/abtests/statistics/z-test";

/** Reference values written by scripts/stats-fixtures/abtest_fixtures.py (SciPy and independent closed forms). */

function expectRelative(actual: number, expected: number, tolerance: number): void {
  if (expected === 0) expect(Math.abs(actual)).toBeLessThan(tolerance);
  else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);
}

describe("normal tails against scipy.stats.norm", () => {
  it.each(normalFixture.cases)("z = $z", ({ z, sf, cdf }) => {
    expectRelative(normalSurvival(z), sf, 1e-12);
    expectRelative(normalCdf(z), cdf, 1e-12);
  });
});

describe("sample sizes against scipy.stats.norm quantiles", () => {
  it.each(sampleSizeFixture.cases)("$kind $design α=$alpha power=$power mde=$mde ratio=$ratio", (c) => {
    const options = { alpha: c.alpha, power: c.power, ratio: c.ratio, design: c.design as Design };
    const size =
      c.kind === "proportions"
        ? sampleSizeForProportions(c.baseline!, c.mde, options)
        : sampleSizeForMeans(c.sd!, c.mde, options);
    expect(size.control).toBe(c.control);
    expect(size.treatment).toBe(c.treatment);
    expect(size.total).toBe(c.control + c.treatment);
  });
});

describe("SRM against scipy.stats.chisquare", () => {
  it.each(srmFixture.cases)("counts $counts, weights $weights", (c) => {
    const result = sampleRatioMismatch(c.counts, c.weights);
    expectRelative(result.statistic, c.statistic, 1e-12);
    expect(result.degreesOfFreedom).toBe(c.degreesOfFreedom);
    expectRelative(result.pValue, c.pValue, 1e-9);
    expect(result.mismatch).toBe(c.pValue < 0.001);
  });
});

describe("Benjamini–Hochberg against scipy.stats.false_discovery_control", () => {
  it.each(bhFixture.cases)("$pValues", (c) => {
    const result = benjaminiHochberg(c.pValues, c.q);
    result.adjusted.forEach((value, i) => expect(value).toBeCloseTo(c.adjusted[i]!, 14));
    expect(result.rejected).toEqual(c.rejected);
  });
});

describe("mSPRT against the closed form checked by numerical integration in Python", () => {
  it.each(msprtFixture.cases)("τ²=$tau2 α=$alpha θ₀=$nullValue", (c) => {
    const { estimate, variance } = difference(c.control, c.treatment);
    const logLambda = logMixtureLikelihoodRatio(estimate, variance, c.tau2, c.nullValue);
    expect(Math.abs(logLambda - c.logLikelihoodRatio)).toBeLessThan(1e-9 * Math.max(1, Math.abs(c.logLikelihoodRatio)));
    expectRelative(confidenceSequenceRadius(variance, c.tau2, c.alpha), c.radius, 1e-12);
  });

  it.each(horizonFixture.cases)("horizon-tuned mixing ratio and critical ratio at α=$alpha (scipy brentq)", (c) => {
    expectRelative(horizonMixingRatio(c.alpha), c.ratio, 1e-12);
    expectRelative(msprtHorizonCriticalRatio(c.alpha), c.criticalRatio, 1e-12);
  });
});

describe("fixed-horizon z-test against scipy.stats.norm", () => {
  it.each(zFixture.cases)("α=$alpha estimate=$estimate", (c) => {
    const result = fixedHorizonZTest(c.control, c.treatment, c.alpha);
    expect(result.estimate).toBeCloseTo(c.estimate, 14);
    expectRelative(result.standardError, c.standardError, 1e-12);
    expectRelative(result.z, c.z, 1e-12);
    expectRelative(result.pValue, c.pValue, 1e-10);
    expect(result.lower).toBeCloseTo(c.lower, 12);
    expect(result.upper).toBeCloseTo(c.upper, 12);
  });
});
