import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/lib/mulberry32";
import { proportionArm } from "@/server/services/abtests/statistics/arms";
import {
  MSPRT_START,
  mixingVarianceForHorizon,
  mixingVarianceFromMde,
  msprtLook,
} from "@/server/services/abtests/statistics/msprt";
import { sampleSizeForProportions } from "@/server/services/abtests/statistics/sample-size";
import { sampleRatioMismatch } from "@/server/services/abtests/statistics/srm";
import { fixedHorizonZTest } from "@/server/services/abtests/statistics/z-test";

/**
 * Seeded simulations of the mSPRT on Bernoulli outcomes (baseline 10 %, MDE +2 points, α = 0.05, power 0.8), peeked
 * at every 100 units per arm, plus the SRM check on 10,000 assignments. Deterministic for the seeds below.
 */
const ALPHA = 0.05;
const BASELINE = 0.1;
const MDE = 0.02;
const RUNS = 2000;
const PEEK = 100;

/** Per-unit variance of the difference at the plan: p(1 − p) + (p + δ)(1 − p − δ). */
const PLANNED_UNIT_VARIANCE = BASELINE * (1 - BASELINE) + (BASELINE + MDE) * (1 - BASELINE - MDE);

function successes(random: () => number, rate: number, units: number): number {
  let count = 0;
  for (let i = 0; i < units; i++) if (random() < rate) count++;
  return count;
}

/**
 * The share of `RUNS` seeded tests whose always-valid p-value falls below α at some look, peeking every `PEEK` units
 * per arm and at the horizon itself.
 */
function rejectionRate(seed: number, controlRate: number, treatmentRate: number, horizon: number, tau2: number) {
  const random = mulberry32(seed);
  let rejections = 0;
  for (let run = 0; run < RUNS; run++) {
    let state = MSPRT_START;
    let n = 0;
    let control = 0;
    let treatment = 0;
    while (n < horizon) {
      const step = Math.min(PEEK, horizon - n);
      control += successes(random, controlRate, step);
      treatment += successes(random, treatmentRate, step);
      n += step;
      state = msprtLook(proportionArm(control, n), proportionArm(treatment, n), tau2, {
        alpha: ALPHA,
        previous: state,
      });
      if (state.pValue < ALPHA) break;
    }
    if (state.pValue < ALPHA) rejections++;
  }
  return rejections / RUNS;
}

const fixedPlan = sampleSizeForProportions(BASELINE, MDE, { alpha: ALPHA, power: 0.8 });
const msprtPlan = sampleSizeForProportions(BASELINE, MDE, { alpha: ALPHA, power: 0.8, design: "msprt" });
const tunedTau2 = (horizon: number) => mixingVarianceForHorizon(PLANNED_UNIT_VARIANCE / horizon, ALPHA);

describe("mSPRT simulations (2,000 seeded runs each, peeking every 100 units per arm)", () => {
  it("the plans: 3,839 per arm fixed-horizon, 7,350 per arm for the mSPRT", () => {
    expect(fixedPlan.control).toBe(3839);
    expect(msprtPlan.control).toBe(7350);
  });

  it("A/A: rejects at most α + 1 % of the time up to the mSPRT horizon", () => {
    const rate = rejectionRate(1201, BASELINE, BASELINE, msprtPlan.control, tunedTau2(msprtPlan.control));
    console.log(`A/A rejection rate, 74 looks up to n = ${msprtPlan.control}: ${rate}`);
    expect(rate).toBeLessThanOrEqual(ALPHA + 0.01);
  });

  it("A/A with τ² = δ² stays within α + 1 % as well", () => {
    const rate = rejectionRate(1202, BASELINE, BASELINE, msprtPlan.control, mixingVarianceFromMde(MDE));
    console.log(`A/A rejection rate with τ² = δ²: ${rate}`);
    expect(rate).toBeLessThanOrEqual(ALPHA + 0.01);
  });

  it("true effect = MDE: detected by the mSPRT-planned sample in at least 75 % of runs", () => {
    const power = rejectionRate(1203, BASELINE, BASELINE + MDE, msprtPlan.control, tunedTau2(msprtPlan.control));
    console.log(`power by n = ${msprtPlan.control} (mSPRT plan): ${power}`);
    expect(power).toBeGreaterThanOrEqual(0.75);
  });

  it("true effect = MDE: by the fixed-horizon sample the mSPRT falls short of 75 % (the price of peeking)", () => {
    const tuned = rejectionRate(1204, BASELINE, BASELINE + MDE, fixedPlan.control, tunedTau2(fixedPlan.control));
    const mde = rejectionRate(1205, BASELINE, BASELINE + MDE, fixedPlan.control, mixingVarianceFromMde(MDE));
    console.log(`power by n = ${fixedPlan.control} (fixed plan): τ² tuned ${tuned}, τ² = δ² ${mde}`);
    expect(tuned).toBeLessThan(0.75);
    expect(mde).toBeLessThan(0.75);
  });

  it("true effect = MDE: 1.7 × the fixed-horizon sample is enough for 75 % (exploration: 1.55–1.6 × reaches ~76 %)", () => {
    const horizon = Math.round(1.7 * fixedPlan.control);
    const power = rejectionRate(1206, BASELINE, BASELINE + MDE, horizon, tunedTau2(horizon));
    console.log(`power by n = ${horizon} (1.7 × fixed plan): ${power}`);
    expect(power).toBeGreaterThanOrEqual(0.75);
  });

  it("true effect = MDE: the confidence sequence holds the true +2 points at every look in ≥ 95 % of runs", () => {
    const random = mulberry32(1208);
    const tau2 = tunedTau2(msprtPlan.control);
    let misses = 0;
    for (let run = 0; run < RUNS; run++) {
      let state = MSPRT_START;
      let control = 0;
      let treatment = 0;
      for (let n = PEEK; n <= msprtPlan.control; n += PEEK) {
        control += successes(random, BASELINE, PEEK);
        treatment += successes(random, BASELINE + MDE, PEEK);
        state = msprtLook(proportionArm(control, n), proportionArm(treatment, n), tau2, { previous: state });
        if (!(state.lower < MDE && MDE < state.upper)) {
          misses++;
          break;
        }
      }
    }
    console.log(`confidence sequence misses of the true effect: ${misses / RUNS}`);
    expect(misses / RUNS).toBeLessThanOrEqual(ALPHA);
  });

  it("contrast: the fixed-horizon z-test peeked at every 100 units rejects far more than α under A/A", () => {
    const random = mulberry32(1207);
    let rejections = 0;
    for (let run = 0; run < RUNS; run++) {
      let control = 0;
      let treatment = 0;
      for (let n = PEEK; n <= fixedPlan.control; n += PEEK) {
        control += successes(random, BASELINE, PEEK);
        treatment += successes(random, BASELINE, PEEK);
        if (fixedHorizonZTest(proportionArm(control, n), proportionArm(treatment, n), ALPHA).pValue < ALPHA) {
          rejections++;
          break;
        }
      }
    }
    console.log(`A/A naive peeking rejection rate: ${rejections / RUNS}`);
    expect(rejections / RUNS).toBeGreaterThan(2 * ALPHA);
  });
});

describe("SRM simulations on 10,000 assignments", () => {
  function assignments(random: () => number, share: number): [number, number] {
    const first = successes(random, share, 10_000);
    return [first, 10_000 - first];
  }

  it("an honest 50/50 split is flagged in at most 1 of 1,000 seeded draws", () => {
    const random = mulberry32(1301);
    let flagged = 0;
    for (let draw = 0; draw < 1000; draw++)
      if (sampleRatioMismatch(assignments(random, 0.5), [1, 1]).mismatch) flagged++;
    console.log(`honest 50/50 flagged: ${flagged} of 1000`);
    expect(flagged).toBeLessThanOrEqual(1);
  });

  it("an injected 55/45 split is flagged in every one of 1,000 seeded draws", () => {
    const random = mulberry32(1302);
    let flagged = 0;
    for (let draw = 0; draw < 1000; draw++)
      if (sampleRatioMismatch(assignments(random, 0.55), [1, 1]).mismatch) flagged++;
    expect(flagged).toBe(1000);
  });
});
