import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { readCapturedTraffic } from "@/server/services/abtests/analysis/capture-reader";
import { readOutcomeMetrics, type OutcomeMetrics } from "@/server/services/abtests/analysis/outcome-reader";
import type { MetricReading } from "@/server/services/abtests/analysis/types";
import { givenUser } from "@/tests/integration/fixtures";
import { givenCapturedPredictions } from "@/tests/integration/support/captured-predictions";

// The hourly slices a look sums must always give what counting the prediction logs afresh gives, whatever changed
// between looks: a late outcome for an old prediction, a corrected label, new hours, a window that moved.
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CHAMPION = "sl-v1";
const CHALLENGER = "sl-v2";
const VARIANTS = [CHAMPION, CHALLENGER];
const MODEL = { outcomeClasses: ["0", "1"] };
const KEYS = ["accuracy", "precision", "recall", "false_positive_rate", "brier_score"] as const;

async function givenTest() {
  const owner = await givenUser("DATA_SCIENTIST", "AB slices team");
  const model = await db().registeredModel.create({
    data: {
      name: `sl-${randomUUID().slice(0, 8)}`,
      teamId: owner.team.id,
      taskType: "CLASSIFICATION",
      createdById: owner.user.id,
    },
  });
  const endpoint = await db().endpoint.create({
    data: { name: `sl-${randomUUID().slice(0, 8)}`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
  });
  const test = await db().abTest.create({
    data: {
      name: "slices",
      endpointId: endpoint.id,
      status: "RUNNING",
      assignment: "REQUEST",
      salt: randomUUID(),
      preRegistration: {},
      createdById: owner.user.id,
    },
  });
  return { test, endpoint };
}

type Row = { variant: string; at: Date; score: number; label?: "0" | "1"; mirror?: boolean };

/** Captured predictions (a mirror row when `mirror`), each live one with a feedback outcome when `label` is given. */
async function givenRows(endpoint: { id: string; name: string }, rows: Row[]) {
  const captured = await givenCapturedPredictions(
    rows.map((row) => ({
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      variantName: row.variant,
      predictedAt: row.at,
      score: row.score,
      captureProbability: 1,
      mirrorOf: row.mirror ? randomUUID() : null,
    })),
  );
  await db().predictionOutcome.createMany({
    data: rows.flatMap((row, i) =>
      row.label === undefined || row.mirror
        ? []
        : [
            {
              predictionId: captured[i]!.id,
              source: "FEEDBACK" as const,
              endpointId: endpoint.id,
              variantName: row.variant,
              predictedAt: row.at,
              predictedLabel: row.score >= 0.5 ? "1" : "0",
              score: row.score,
              label: row.label,
              inclusionProbability: 1,
              knownAt: new Date(),
            },
          ],
    ),
  });
  return captured;
}

/** n rows a minute apart from `from`, alternating arms, scores and labels by a fixed rule (some right, some wrong). */
const spread = (from: Date, n: number, withLabel = true): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    variant: VARIANTS[i % 2]!,
    at: new Date(from.getTime() + i * 7 * MINUTE + 13_000),
    score: ((i * 37) % 100) / 100,
    label: withLabel ? (i % 3 === 0 ? "1" : "0") : undefined,
  }));

/** Sums added in another order differ in the last bits: compared to 12 significant digits. */
const digits = (value: number) => Number(value.toPrecision(12));

function plain(result: OutcomeMetrics) {
  const arms = (reading: MetricReading | undefined) => {
    if (!reading?.ok) throw new Error(`no reading: ${reading?.note ?? "missing"}`);
    return Object.fromEntries(
      [...reading.arms].map(([v, arm]) => [v, { n: arm.n, mean: digits(arm.mean), variance: digits(arm.variance) }]),
    );
  };
  return {
    withOutcome: Object.fromEntries([...result.withOutcome].map(([v, weighted]) => [v, digits(weighted)])),
    readings: Object.fromEntries(KEYS.map((key) => [key, arms(result.readings[key])])),
  };
}

async function outcomes(scope: Parameters<typeof readOutcomeMetrics>[1]) {
  const sliced = plain(await readOutcomeMetrics({ db: db() }, { ...scope, now: new Date() }, KEYS));
  const recounted = plain(await readOutcomeMetrics({ db: db() }, { ...scope, now: new Date(), recount: true }, KEYS));
  return { sliced, recounted };
}

/** The outcome reader's scope for a test: from `start` to `cutoff`, looked at now. */
const outcomeScope = (testId: string, endpointId: string, start: Date, cutoff: Date) => ({
  testId,
  now: new Date(),
  endpointId,
  variants: VARIANTS,
  start,
  cutoff,
  model: MODEL,
});

/** Marks every row of the endpoint as written two days ago, so only rows written later count as changes. */
async function ageRows(endpointId: string) {
  await db().$executeRaw`UPDATE "PredictionOutcome" SET "updatedAt" = now() - interval '2 days'
    WHERE "endpointId" = ${endpointId}`;
  await db().$executeRaw`UPDATE "CapturedPrediction" SET "loadedAt" = now() - interval '2 days'
    WHERE "endpointId" = ${endpointId}`;
}

async function sliceHours(testId: string, kind: "OUTCOME" | "CAPTURE") {
  return db().abTestSlice.count({ where: { testId, kind } });
}

describe("A/B analysis slices", () => {
  it("outcome sums equal a recount after late outcomes, corrected labels, new hours and a moved window", async () => {
    const { test, endpoint } = await givenTest();
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR + 17 * MINUTE);
    const seeds = spread(start, 40);
    const rows = await givenRows(endpoint, seeds);
    await ageRows(endpoint.id);
    const cutoff = new Date(start.getTime() + 4 * HOUR + 30 * MINUTE);
    const scope = outcomeScope(test.id, endpoint.id, start, cutoff);

    const first = await outcomes({ ...scope, cutoff });
    expect(first.sliced).toEqual(first.recounted);
    expect(await sliceHours(test.id, "OUTCOME")).toBeGreaterThanOrEqual(6);
    // 40 rows, 7 minutes apart: those up to the cutoff (4 h 30 min after start) count; every one has an outcome.
    const counted = rows.filter((row) => row.predictedAt <= cutoff).length;
    const armUnits = Object.values(first.sliced.readings.accuracy ?? {}).reduce((sum, arm) => sum + arm.n, 0);
    expect(armUnits).toBe(counted);
    // The false-positive rate and Brier score by hand, for the champion.
    const champion = seeds.filter((seed) => seed.variant === CHAMPION && seed.at <= cutoff);
    const negatives = champion.filter((seed) => seed.label === "0");
    const fpr = first.sliced.readings.false_positive_rate?.[CHAMPION];
    expect(fpr?.n).toBe(negatives.length);
    expect(fpr?.mean).toBeCloseTo(negatives.filter((seed) => seed.score >= 0.5).length / negatives.length, 12);
    const squared = champion.map((seed) => (seed.score - (seed.label === "1" ? 1 : 0)) ** 2);
    const brier = first.sliced.readings.brier_score?.[CHAMPION];
    expect(brier?.mean).toBeCloseTo(squared.reduce((a, b) => a + b, 0) / squared.length, 12);

    // A late outcome for an old prediction, a corrected label, and predictions in a new hour.
    const [late] = await givenRows(endpoint, [
      { variant: CHALLENGER, at: new Date(start.getTime() + HOUR), score: 0.9 },
    ]);
    await db().predictionOutcome.create({
      data: {
        predictionId: late!.id,
        source: "FEEDBACK",
        endpointId: endpoint.id,
        variantName: CHALLENGER,
        predictedAt: late!.predictedAt,
        predictedLabel: "1",
        score: 0.9,
        label: "1",
        inclusionProbability: 1,
        knownAt: new Date(),
      },
    });
    await db().predictionOutcome.update({
      where: { predictionId_source: { predictionId: rows[4]!.id, source: "FEEDBACK" } },
      data: { label: "1" },
    });
    await givenRows(endpoint, spread(new Date(cutoff.getTime() + 5 * MINUTE), 6));
    const later = new Date(cutoff.getTime() + HOUR);
    const second = await outcomes({ ...scope, cutoff: later });
    expect(second.sliced).toEqual(second.recounted);
    expect(second.sliced).not.toEqual(first.sliced);

    // The cutoff moved back (a longer label delay) and the window's start moved (shadow mode → split).
    const third = await outcomes({ ...scope, cutoff: new Date(later.getTime() - 2 * HOUR) });
    expect(third.sliced).toEqual(third.recounted);
    const moved = { ...scope, start: new Date(start.getTime() + 50 * MINUTE) };
    const fourth = await outcomes({ ...moved, cutoff: later });
    expect(fourth.sliced).toEqual(fourth.recounted);
    expect(fourth.sliced).not.toEqual(second.sliced);
  });

  it("counts a sliced hour again only when its rows were written since the last count (the slices are used)", async () => {
    const { test, endpoint } = await givenTest();
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR);
    const rows = await givenRows(endpoint, spread(start, 20));
    await ageRows(endpoint.id);
    const scope = outcomeScope(test.id, endpoint.id, start, new Date(start.getTime() + 3 * HOUR));
    const before = plain(await readOutcomeMetrics({ db: db() }, scope, KEYS));
    // Changed behind the slices' back: written as if long before the last count. Only a recount sees it.
    await db().$executeRaw`UPDATE "PredictionOutcome" SET "label" = '1', "updatedAt" = now() - interval '1 day'
      WHERE "predictionId" = ${rows[2]!.id}::uuid`;
    expect(plain(await readOutcomeMetrics({ db: db() }, scope, KEYS))).toEqual(before);
    expect(plain(await readOutcomeMetrics({ db: db() }, { ...scope, recount: true }, KEYS))).not.toEqual(before);
  });

  // With the score shift the bins' edges move while the champion has few scores (each look then counts afresh); without
  // it, only the hours loaded into are counted again.
  it.each([true, false])(
    "captured sums equal a recount as rows load into old and new hours (score bins: %s)",
    async (withShift) => {
      const { test, endpoint } = await givenTest();
      const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR + 5 * MINUTE);
      await givenRows(endpoint, [
        ...spread(start, 30, false),
        { variant: CHALLENGER, at: start, score: 0.2, mirror: true },
      ]);
      const scope = { testId: test.id, now: new Date(), endpointId: endpoint.id, champion: CHAMPION, start };
      const read = async (end: Date) => {
        const sliced = await readCapturedTraffic({ db: db() }, { ...scope, end, now: new Date() }, VARIANTS, withShift);
        const recounted = await readCapturedTraffic(
          { db: db() },
          { ...scope, end, now: new Date(), recount: true },
          VARIANTS,
          withShift,
        );
        return { sliced, recounted };
      };
      const first = await read(new Date(start.getTime() + 3 * HOUR + 10 * MINUTE));
      expect(first.sliced).toEqual(first.recounted);
      expect(first.sliced.mirrored).toEqual(new Set([CHALLENGER]));
      expect(await sliceHours(test.id, "CAPTURE")).toBeGreaterThanOrEqual(4);

      // Loaded late into an old hour (the capture stream was behind), and new hours.
      await givenRows(endpoint, [
        { variant: CHALLENGER, at: new Date(start.getTime() + HOUR + MINUTE), score: 0.95 },
        ...spread(new Date(start.getTime() + 3 * HOUR + 20 * MINUTE), 8, false),
      ]);
      const second = await read(new Date(start.getTime() + 4 * HOUR + 30 * MINUTE));
      expect(second.sliced).toEqual(second.recounted);
      expect(second.sliced.predictions.get(CHALLENGER)).toBeGreaterThan(first.sliced.predictions.get(CHALLENGER)!);
    },
  );

  it("counts afresh when the model's positive class changes (precision and recall mean something else)", async () => {
    const { test, endpoint } = await givenTest();
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 4 * HOUR);
    await givenRows(endpoint, spread(start, 20));
    await ageRows(endpoint.id);
    const scope = outcomeScope(test.id, endpoint.id, start, new Date(start.getTime() + 3 * HOUR));
    const before = await outcomes(scope);
    const flipped = await outcomes({ ...scope, model: { outcomeClasses: ["1", "0"] } });
    expect(flipped.sliced).toEqual(flipped.recounted);
    expect(flipped.sliced.readings.precision).not.toEqual(before.sliced.readings.precision);
  });

  it("two looks at once count the slices once and agree", async () => {
    const { test, endpoint } = await givenTest();
    const start = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
    await givenRows(endpoint, spread(start, 30));
    const scope = outcomeScope(test.id, endpoint.id, start, new Date(start.getTime() + 4 * HOUR + 1));
    const [a, b] = await Promise.all([
      readOutcomeMetrics({ db: db() }, scope, KEYS),
      readOutcomeMetrics({ db: db() }, scope, KEYS),
    ]);
    expect(plain(a)).toEqual(plain(b));
    expect(plain(a)).toEqual(plain(await readOutcomeMetrics({ db: db() }, { ...scope, recount: true }, KEYS)));
  });
});
