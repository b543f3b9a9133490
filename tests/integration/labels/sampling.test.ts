import { beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { handleLabelSampling } from "@/server/jobs/handlers/label-sampling";
import type { SystemContext } from "@/server/services/context";
import { sampleQueue } from "@/server/services/labels/sampling";
import { givenUser } from "@/tests/integration/fixtures";
import {
  DAY,
  givenClassifier,
  givenQueue,
  insertPredictions,
  lateClock,
  seededPredictions,
  uuidOf,
} from "@/tests/integration/labels/fixtures";

let world: Awaited<ReturnType<typeof setUp>>;

async function setUp() {
  const person = await givenUser("DATA_SCIENTIST", "labels-sampling");
  const { model, endpoint } = await givenClassifier(person.ctx, person.team.id);
  // Ids from a fixed label (each test file has its own database), so the salted draws are the same on every run.
  const predictions = seededPredictions(11, 4000, "labels-sampling-world");
  await insertPredictions(endpoint, predictions);
  const system: Pick<SystemContext, "db" | "clock"> = { db: db(), clock: lateClock };
  return { ...person, model, endpoint, predictions, system };
}

beforeAll(async () => {
  world = await setUp();
});

const itemsOf = (queueId: string) => db().labelItem.findMany({ where: { queueId } });

describe("label sampling", () => {
  it("records each item's exact inclusion probability, and the realised counts match the rates", async () => {
    const queue = await givenQueue(world.ctx, world.model.name, {
      sampling: { rates: { AUDIT: 0.05, UNCERTAINTY: 0.5, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    // A fixed salt as well as seeded predictions: the same draw on every run of this test.
    await db().labelQueue.update({ where: { id: queue.id }, data: { salt: "fixed-test-salt" } });
    const result = await sampleQueue(world.system, queue.id);
    expect(result).toMatchObject({ considered: 4000, budgetFactor: 1 });
    const items = await itemsOf(queue.id);
    expect(result.inserted).toBe(items.length);

    const byId = new Map(world.predictions.map((p) => [p.id, p]));
    const uncertain = world.predictions.filter((p) => Math.abs(p.score - 0.5) <= 0.1);
    for (const item of items) {
      const prediction = byId.get(item.predictionId)!;
      const isUncertain = Math.abs(prediction.score - 0.5) <= 0.1;
      const design = isUncertain ? 1 - 0.95 * 0.5 : 0.05;
      expect(item.inclusionProbability).toBeCloseTo(prediction.captureProbability! * design, 12);
      expect(item.stratum).toBe(isUncertain ? "UNCERTAINTY" : "AUDIT");
      expect(item.strata).toEqual(isUncertain ? ["AUDIT", "UNCERTAINTY"] : ["AUDIT"]);
    }
    // Poisson sampling: counts per stratum within 4 standard deviations of n·p.
    const within = (observed: number, n: number, p: number) =>
      expect(Math.abs(observed - n * p)).toBeLessThan(4 * Math.sqrt(n * p * (1 - p)));
    const pickedUncertain = items.filter((i) => i.stratum === "UNCERTAINTY").length;
    within(pickedUncertain, uncertain.length, 0.525);
    within(items.length - pickedUncertain, 4000 - uncertain.length, 0.05);
    // Horvitz–Thompson: Σ 1/π_design over the sample estimates the 4000 predictions considered, with variance
    // Σ (1 − π)/π over them (Poisson sampling); within 4 standard deviations.
    const total = items.reduce(
      (sum, item) => sum + byId.get(item.predictionId)!.captureProbability! / item.inclusionProbability,
      0,
    );
    const design = (p: { score: number }) => (Math.abs(p.score - 0.5) <= 0.1 ? 0.525 : 0.05);
    const sd = Math.sqrt(world.predictions.reduce((sum, p) => sum + (1 - design(p)) / design(p), 0));
    expect(Math.abs(total - 4000)).toBeLessThan(4 * sd);
  });

  it("is idempotent: a rerun adds nothing, and a rerun from scratch picks exactly the same predictions", async () => {
    const queue = await givenQueue(world.ctx, world.model.name, {
      sampling: { rates: { AUDIT: 0.1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    await sampleQueue(world.system, queue.id);
    const first = (await itemsOf(queue.id)).map((i) => i.predictionId).sort();
    expect(first.length).toBeGreaterThan(300);
    expect(await sampleQueue(world.system, queue.id)).toMatchObject({ considered: 0, inserted: 0 });

    await db().labelQueue.update({ where: { id: queue.id }, data: { cursorAt: null, cursorId: null } });
    const again = await sampleQueue(world.system, queue.id);
    expect(again).toMatchObject({ considered: 4000, inserted: 0 });
    expect((await itemsOf(queue.id)).map((i) => i.predictionId).sort()).toEqual(first);
  });

  it("keeps within the daily budget by scaling probabilities before drawing, and records the factor", async () => {
    const queue = await givenQueue(world.ctx, world.model.name, {
      dailyBudget: 30,
      sampling: { rates: { AUDIT: 0.5, UNCERTAINTY: 1, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    const result = await sampleQueue(world.system, queue.id);
    expect(result.budgetFactor).toBeGreaterThan(0);
    expect(result.budgetFactor).toBeLessThan(0.02);
    const items = await itemsOf(queue.id);
    expect(items.length).toBeLessThanOrEqual(30);
    expect(items.length).toBeGreaterThan(0);
    const byId = new Map(world.predictions.map((p) => [p.id, p]));
    for (const item of items) {
      const prediction = byId.get(item.predictionId)!;
      const design = Math.abs(prediction.score - 0.5) <= 0.1 ? 1 : 0.5;
      expect(item.budgetFactor).toBeCloseTo(result.budgetFactor, 15);
      expect(item.inclusionProbability).toBeCloseTo(prediction.captureProbability! * result.budgetFactor * design, 12);
    }
    // The day's budget is spent: a later run (new predictions, same day) may pick nothing.
    await insertPredictions(world.endpoint, [{ id: uuidOf("late-one"), score: 0.5, at: new Date(`${DAY}T22:00:00Z`) }]);
    await db().labelQueue.update({ where: { id: queue.id }, data: { dailyBudget: items.length } });
    expect(await sampleQueue(world.system, queue.id)).toMatchObject({ budgetFactor: 0, inserted: 0 });
  });

  it("lets two concurrent runs of one queue take turns: no duplicates, no double spending", async () => {
    const queue = await givenQueue(world.ctx, world.model.name, {
      dailyBudget: 200,
      sampling: { rates: { AUDIT: 0.2, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    // A fixed salt: the budget holds unless a draw lands 3σ above its mean (sampling-design.ts), so with a random
    // salt the hard bound below failed about one run in a few hundred; this draw is the same on every run.
    await db().labelQueue.update({ where: { id: queue.id }, data: { salt: "fixed-concurrent-salt" } });
    const [a, b] = await Promise.all([sampleQueue(world.system, queue.id), sampleQueue(world.system, queue.id)]);
    const items = await itemsOf(queue.id);
    expect(a.inserted + b.inserted).toBe(items.length);
    expect(Math.min(a.considered, b.considered)).toBe(0);
    expect(items.length).toBeLessThanOrEqual(200);
    expect(new Set(items.map((i) => i.predictionId)).size).toBe(items.length);
  });

  it("samples flagged predictions and champion/challenger disagreements in their own strata", async () => {
    const person = await givenUser("DATA_SCIENTIST", "labels-strata");
    const { model, endpoint } = await givenClassifier(person.ctx, person.team.id);
    const at = new Date(`${DAY}T03:00:00Z`);
    const rows = [
      { id: uuidOf("s-flagged"), score: 0.95, at },
      { id: uuidOf("s-champion"), score: 0.9, at, variant: "blue", correlationId: "tx-1" },
      {
        id: uuidOf("s-challenger"),
        score: 0.2,
        at: new Date(at.getTime() + 5_000),
        variant: "green",
        correlationId: "tx-1",
      },
      { id: uuidOf("s-agree-a"), score: 0.9, at, variant: "blue", correlationId: "tx-2" },
      { id: uuidOf("s-agree-b"), score: 0.8, at, variant: "green", correlationId: "tx-2" },
    ];
    await insertPredictions(endpoint, rows);
    await db().predictionFlag.create({
      data: { endpointId: endpoint.id, predictionId: rows[0]!.id, reason: "customer complaint", source: "CALLER" },
    });
    const queue = await givenQueue(person.ctx, model.name, {
      sampling: { rates: { AUDIT: 0, UNCERTAINTY: 0, DISAGREEMENT: 1, DRIFT: 0, FLAGGED: 1 } },
    });
    await sampleQueue({ db: db(), clock: lateClock }, queue.id);
    const items = await itemsOf(queue.id);
    const strata = Object.fromEntries(items.map((i) => [i.predictionId, [i.stratum, i.inclusionProbability]]));
    expect(strata).toEqual({
      [rows[0]!.id]: ["FLAGGED", 1],
      [rows[1]!.id]: ["DISAGREEMENT", 1],
      [rows[2]!.id]: ["DISAGREEMENT", 1],
    });
  });

  it("samples rows in the worst-drifting bins of the variant's latest drift report as DRIFT", async () => {
    const person = await givenUser("DATA_SCIENTIST", "labels-drift");
    const { model, endpoint } = await givenClassifier(person.ctx, person.team.id);
    const version = await db().modelVersion.create({
      data: { modelId: model.id, version: 1, format: "ONNX", createdById: person.user.id },
    });
    // Reference: amount in four equal bins (≤100, ≤200, ≤300, >300); production piles into the last one.
    await db().referenceProfile.create({
      data: {
        versionId: version.id,
        sampleSize: 1000,
        binCount: 4,
        features: {
          create: {
            name: "amount",
            position: 0,
            kind: "NUMERIC",
            edges: [100, 200, 300],
            proportions: [0.25, 0.25, 0.25, 0.25],
          },
        },
      },
    });
    await db().driftReport.create({
      data: {
        endpointId: endpoint.id,
        variantName: "blue",
        versionId: version.id,
        windowStart: new Date(`${DAY}T00:00:00Z`),
        windowEnd: new Date(`${DAY}T01:00:00Z`),
        status: "ALERT",
        features: {
          create: {
            name: "amount",
            psi: 0.9,
            sampleSize: 100,
            referenceSize: 1000,
            expectedPsi: 0.03,
            status: "ALERT",
            counts: [5, 5, 10, 80],
          },
        },
      },
    });
    const at = new Date(`${DAY}T05:00:00Z`);
    // insertPredictions stores amount = round(score × 1000): 0.05 → 50 (bin 0), 0.9 → 900 (bin 3, the worst).
    const low = { id: uuidOf("d-low"), score: 0.05, at };
    const high = { id: uuidOf("d-high"), score: 0.9, at };
    await insertPredictions(endpoint, [low, high]);
    const queue = await givenQueue(person.ctx, model.name, {
      sampling: { rates: { AUDIT: 0, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 1, FLAGGED: 0 }, driftWorstBins: 1 },
    });
    await sampleQueue({ db: db(), clock: lateClock }, queue.id);
    const items = await itemsOf(queue.id);
    expect(items.map((i) => [i.predictionId, i.stratum, i.inclusionProbability])).toEqual([[high.id, "DRIFT", 1]]);
  });

  it("flags predictions its guardrails catch (an input training never had, no finite score) and samples them as FLAGGED", async () => {
    const person = await givenUser("DATA_SCIENTIST", "labels-guardrails");
    const { model, endpoint } = await givenClassifier(person.ctx, person.team.id);
    const version = await db().modelVersion.create({
      data: { modelId: model.id, version: 1, format: "ONNX", createdById: person.user.id },
    });
    await db().referenceProfile.create({
      data: {
        versionId: version.id,
        sampleSize: 1000,
        binCount: 3,
        features: {
          create: [
            {
              name: "postcode",
              position: 0,
              kind: "CATEGORICAL",
              categories: ["01001", "0742"],
              proportions: [0.6, 0.4, 0],
            },
            { name: "amount", position: 1, kind: "NUMERIC", edges: [100, 200], proportions: [0.5, 0.5, 0] },
          ],
        },
      },
    });
    const at = new Date(`${DAY}T06:00:00Z`);
    const spec = (name: string, score: number | null, inputs: Record<string, string | number | null>) => ({
      id: uuidOf(name),
      score,
      at,
      versionId: version.id,
      inputs,
    });
    const rows = [
      spec("g-ok", 0.9, { postcode: "01001", amount: 150 }),
      spec("g-unseen-postcode", 0.9, { postcode: "1001", amount: 150 }),
      spec("g-empty-bin", 0.9, { postcode: "0742", amount: 250 }),
      spec("g-missing", 0.9, { postcode: null, amount: 50 }),
      spec("g-no-score", null, { postcode: "01001", amount: 50 }),
    ];
    await insertPredictions(endpoint, rows);
    const queue = await givenQueue(person.ctx, model.name, {
      sampling: { rates: { AUDIT: 0, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 1 } },
    });
    await sampleQueue({ db: db(), clock: lateClock }, queue.id);

    const flags = await db().predictionFlag.findMany({
      where: { endpointId: endpoint.id },
      orderBy: { reason: "asc" },
    });
    expect(flags.every((f) => f.source === "GUARDRAIL" && f.createdById === null)).toBe(true);
    expect(Object.fromEntries(flags.map((f) => [f.predictionId, f.reason]))).toEqual({
      [uuidOf("g-unseen-postcode")]: 'Input "postcode" = "1001" never occurred in the training sample',
      [uuidOf("g-empty-bin")]: 'Input "amount" = 250 lies where the training sample had no rows',
      [uuidOf("g-missing")]: 'Input "postcode" is missing',
      [uuidOf("g-no-score")]: "The model's output has no finite score",
    });
    const items = await itemsOf(queue.id);
    expect(new Set(items.map((i) => i.predictionId))).toEqual(new Set(flags.map((f) => f.predictionId)));
    expect(items.every((i) => i.stratum === "FLAGGED" && i.inclusionProbability === 1)).toBe(true);

    // A second queue over the same predictions finds the flags already there and samples the same items.
    const again = await givenQueue(person.ctx, model.name, {
      sampling: { rates: { AUDIT: 0, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 1 } },
    });
    await sampleQueue({ db: db(), clock: lateClock }, again.id);
    expect(await db().predictionFlag.count({ where: { endpointId: endpoint.id } })).toBe(4);
    expect((await itemsOf(again.id)).length).toBe(4);
  });

  it("never samples a shadow variant's predictions, which reached nobody", async () => {
    const person = await givenUser("DATA_SCIENTIST", "labels-shadow");
    const { model, endpoint } = await givenClassifier(person.ctx, person.team.id);
    const at = new Date(`${DAY}T04:00:00Z`);
    const live = { id: uuidOf("shadow-live"), score: 0.9, at, variant: "blue" };
    const shadow = { id: uuidOf("shadow-mirror"), score: 0.1, at, variant: "green", mirrorOf: live.id };
    await insertPredictions(endpoint, [live, shadow]);
    const queue = await givenQueue(person.ctx, model.name, {
      sampling: { rates: { AUDIT: 1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    await sampleQueue({ db: db(), clock: lateClock }, queue.id);
    expect((await itemsOf(queue.id)).map((item) => item.predictionId)).toEqual([live.id]);
  });

  it("runs as the job handler for one queue on demand", async () => {
    const queue = await givenQueue(world.ctx, world.model.name, {
      sampling: { rates: { AUDIT: 0.01, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
    });
    const result = await handleLabelSampling({ queueId: queue.id }, { ...systemContextFromEnv(), clock: lateClock });
    expect(result.queues).toBe(1);
    expect(result.considered).toBeGreaterThanOrEqual(4000);
    expect(result.inserted).toBe(await db().labelItem.count({ where: { queueId: queue.id } }));
  });

  it("refuses an unknown queue", async () => {
    await expect(sampleQueue(world.system, "no-such-queue")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
