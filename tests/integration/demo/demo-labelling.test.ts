import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { submitAnnotation, nextItemsToLabel } from "@/server/services/labels/labelling";
import { ensureDayPartitions, dayOf } from "@/server/services/capture/partitions";
import { sampleQueue } from "@/server/services/labels/sampling";
import { systemContextFromEnv } from "@/server/context-from-env";
import { seededRandom } from "@/training/random";
import {
  DEMO_GOLDEN_ROWS,
  DEMO_GOLDEN_SET,
  DEMO_QUEUE_NAME,
  demoLabelling,
} from "@/scripts/demo-traffic/demo-labelling";
import { DemoTruths } from "@/scripts/demo-traffic/demo-truths";
import { givenUser } from "@/tests/integration/fixtures";
import { givenClassifier, insertPredictions, uuidOf } from "@/tests/integration/labels/fixtures";

const signature = {
  inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

let world: Awaited<ReturnType<typeof setUp>>;

/**
 * A DEMO classifier served on the local runtime, 1,200 of its predictions captured ten minutes ago, a crew of two
 * annotators and a reviewer, and a person of the team; the generator "served" 900 of the predictions (their truth is
 * known), the other 300 came from elsewhere.
 */
async function setUp() {
  const team = `demo-crew-${randomBytes(3).toString("hex")}`;
  const first = await givenUser("DATA_SCIENTIST", team);
  const second = await givenUser("DATA_SCIENTIST", team);
  const reviewer = await givenUser("REVIEWER", team);
  const person = await givenUser("DATA_SCIENTIST", team);
  await db().user.updateMany({
    where: { id: { in: [first.user.id, second.user.id, reviewer.user.id] } },
    data: { isDemo: true },
  });
  const { model, endpoint } = await givenClassifier(first.ctx, first.team.id);
  await db().registeredModel.update({ where: { id: model.id }, data: { isDemo: true } });
  const version = await db().modelVersion.create({
    data: { modelId: model.id, version: 1, format: "ONNX", signature, createdById: first.user.id },
  });
  await db().endpointVariant.create({
    data: { endpointId: endpoint.id, versionId: version.id, variantName: "blue", weight: 100 },
  });
  const at = new Date(Date.now() - 10 * 60_000);
  await ensureDayPartitions(db(), [dayOf(at), dayOf(new Date())]);
  const random = seededRandom(31);
  const predictions = Array.from({ length: 1_200 }, (_, i) => ({
    id: uuidOf(`demo-labelling-${team}-${i}`),
    score: random.uniform(),
    at,
  }));
  await insertPredictions(endpoint, predictions);
  const truths = new DemoTruths();
  const served = predictions.slice(0, 900);
  truths.remember(
    {
      endpoint: endpoint.name,
      source: "test",
      variant: "blue",
      predictionIds: served.map((p) => p.id),
      targets: served.map((p) => (p.score > 0.5 ? 1 : 0)),
      servedAt: at,
    },
    { kind: "classification", classes: ["legit", "fraud"] },
  );
  const system = systemContextFromEnv();
  const crew = { annotators: [first.user.email, second.user.email] as const, reviewer: reviewer.user.email };
  const labelling = demoLabelling(system, truths, seededRandom(7), {
    crews: { [team]: crew },
    requestSampling: (queueId) => sampleQueue(system, queueId),
  });
  return { model, team, first, second, reviewer, person, truths, labelling, predictions };
}

beforeAll(async () => {
  world = await setUp();
});

const queueOf = () => db().labelQueue.findFirstOrThrow({ where: { modelId: world.model.id, name: DEMO_QUEUE_NAME } });

describe("the DEMO label crews", () => {
  it("create the DEMO queue through the queue service, and leave the items people labelled to people", async () => {
    // The first step creates the queue and samples it; a person then labels one item before the crew's next step.
    await world.labelling.step();
    const queue = await queueOf();
    expect(queue).toMatchObject({ overlap: 2, dailyBudget: 12_000 });
    expect(await db().auditLog.count({ where: { entityId: queue.id, action: "labels.queue.create" } })).toBe(1);
    // An item whose truth is known, so the crew would have labelled and reviewed it had the person not.
    const { items } = await nextItemsToLabel(world.person.ctx, { queueId: queue.id, limit: 50 });
    const mine = items.find((item) => world.truths.of(item.predictionId))!;
    await submitAnnotation(world.person.ctx, {
      itemId: mine.id,
      round: mine.round,
      value: { kind: "classes", label: "fraud" },
    });

    for (let step = 0; step < 6; step++) await world.labelling.step();
    // The first crew annotator gives the second label, but no crew reviewer decides on an item a person labelled.
    const onMine = await db().annotation.findMany({ where: { itemId: mine.id } });
    expect(onMine.map((a) => a.annotatorId).sort()).toEqual([world.person.user.id, world.first.user.id].sort());
    expect(await db().labelReview.count({ where: { itemId: mine.id } })).toBe(0);
    expect(await db().labelItem.findUniqueOrThrow({ where: { id: mine.id } })).toMatchObject({ status: "REVIEW" });
  });

  it("label only predictions whose truth the generator knows, agree with it (one slip aside) and are reviewed", async () => {
    const queue = await queueOf();
    const items = await db().labelItem.findMany({
      where: { queueId: queue.id, status: "ACCEPTED" },
      include: { annotations: true, reviews: true },
    });
    expect(items.length).toBeGreaterThanOrEqual(DEMO_GOLDEN_ROWS);
    const crewIds = [world.first.user.id, world.second.user.id];
    for (const item of items) {
      const truth = world.truths.of(item.predictionId);
      expect(truth).toBeDefined();
      expect(item.finalValue).toEqual(truth);
      expect(item.annotations.map((a) => a.annotatorId).sort()).toEqual([...crewIds].sort());
      expect(item.reviews.map((r) => r.reviewerId)).toEqual([world.reviewer.user.id]);
    }
    const served = new Set(world.predictions.slice(0, 900).map((p) => p.id));
    const labelled = await db().labelItem.findMany({
      where: { queueId: queue.id, annotations: { some: { annotatorId: { in: crewIds } } } },
      select: { predictionId: true },
    });
    expect(labelled.every((item) => served.has(item.predictionId))).toBe(true);
  });

  it('freeze the accepted labels into the "demo-reviewed" golden set once, then stop', async () => {
    const sets = await db().goldenSet.findMany({ where: { modelId: world.model.id, name: DEMO_GOLDEN_SET } });
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ source: "LABELS", version: 1, sourceName: DEMO_QUEUE_NAME });
    expect(sets[0]!.description).toMatch(/^DEMO:/);
    // What is sampled from now on waits for people, at a pace they can keep up with.
    expect(await queueOf()).toMatchObject({ dailyBudget: 300 });
    const annotations = await db().annotation.count({ where: { item: { queueId: (await queueOf()).id } } });
    const summary = await world.labelling.step();
    expect(summary).toEqual({ labelled: 0, reviewed: 0, frozen: [] });
    expect(await db().annotation.count({ where: { item: { queueId: (await queueOf()).id } } })).toBe(annotations);
  });
});
