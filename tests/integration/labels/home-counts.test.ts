import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { sampleQueue } from "@/server/services/labels/sampling";
import {
  DAY,
  givenClassifier,
  givenQueue,
  insertPredictions,
  lateClock,
  uuidOf,
} from "@/tests/integration/labels/fixtures";
import { personWithCaller } from "@/tests/integration/support/trpc-caller";

const TEAM = "labels-home";

const person = (role: Role) => personWithCaller(role, TEAM);

const label = (value: string) => ({ kind: "classes" as const, label: value });

let world: Awaited<ReturnType<typeof setUp>>;

/**
 * A queue (overlap 2) with five items: one whose labels agree, one whose labels disagree (both in review), one with a
 * single label, two untouched; four of the five sampled today (UTC), one yesterday.
 */
async function setUp() {
  const ds = await person("DATA_SCIENTIST");
  const annotator = await person("REVIEWER");
  const reviewer = await person("REVIEWER");
  const viewer = await person("VIEWER");
  const { model, endpoint } = await givenClassifier(ds.ctx, ds.team.id);
  const at = new Date(`${DAY}T05:00:00Z`);
  const predictions = Array.from({ length: 5 }, (_, i) => ({ id: uuidOf(`home-${i}`), score: 0.1 + i * 0.2, at }));
  await insertPredictions(endpoint, predictions);
  const queue = await givenQueue(ds.ctx, model.name, {
    overlap: 2,
    sampling: { rates: { AUDIT: 1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
  });
  await sampleQueue({ db: db(), clock: lateClock }, queue.id);
  const { items } = await ds.caller.labels.nextItems({ queueId: queue.id, limit: 5 });
  expect(items).toHaveLength(5);
  const [agreed, disagreed, single, , yesterday] = items;
  for (const [item, first, second] of [
    [agreed!, "fraud", "fraud"],
    [disagreed!, "fraud", "legit"],
  ] as const) {
    await ds.caller.labels.annotate({ itemId: item.id, round: 1, value: label(first) });
    await annotator.caller.labels.annotate({ itemId: item.id, round: 1, value: label(second) });
  }
  await ds.caller.labels.annotate({ itemId: single!.id, round: 1, value: label("legit") });
  await db().labelItem.updateMany({ where: { queueId: queue.id }, data: { sampledAt: new Date() } });
  await db().labelItem.update({
    where: { id: yesterday!.id },
    data: { sampledAt: new Date(Date.now() - 86_400_000 - 60_000) },
  });
  return { ds, annotator, reviewer, viewer, queue, agreed: agreed!, disagreed: disagreed! };
}

beforeAll(async () => {
  world = await setUp();
});

const mine = async (caller: Awaited<ReturnType<typeof person>>["caller"]) => {
  const queues = await caller.labels.myQueues();
  return queues.find((q) => q.id === world.queue.id)!;
};

describe("the labeller's and reviewer's home counts", () => {
  it("counts what waits on a reviewer who labelled nothing: two to review, one of them to adjudicate", async () => {
    const queue = await mine(world.reviewer.caller);
    expect(queue.counts).toEqual({ labelling: 3, review: 2, accepted: 0 });
    expect(queue.toLabel).toBe(3);
    expect(queue.toReview).toBe(2);
    expect(queue.toAdjudicate).toBe(1);
    expect(queue.sampledToday).toBe(4);
  });

  it("never counts for review or adjudication items the person labelled", async () => {
    const annotator = await mine(world.annotator.caller);
    expect(annotator.toReview).toBe(0);
    expect(annotator.toAdjudicate).toBe(0);
    expect(annotator.toLabel).toBe(3);
    const scientist = await mine(world.ds.caller);
    expect(scientist.toLabel).toBe(2);
    expect(scientist.toAdjudicate).toBe(0);
  });

  it("shows a viewer the queue's counts but nothing waiting on them", async () => {
    const queue = await mine(world.viewer.caller);
    expect(queue.toLabel).toBe(0);
    expect(queue.toReview).toBe(0);
    expect(queue.toAdjudicate).toBe(0);
    expect(queue.sampledToday).toBe(4);
  });

  it("lists only agreeing or only disagreeing items when asked", async () => {
    const list = (agreement: "all" | "agreed" | "disagreed") =>
      world.reviewer.caller.labels
        .toReview({ queueId: world.queue.id, agreement })
        .then((r) => r.items.map((i) => i.id));
    expect(await list("agreed")).toEqual([world.agreed.id]);
    expect(await list("disagreed")).toEqual([world.disagreed.id]);
    expect((await list("all")).sort()).toEqual([world.agreed.id, world.disagreed.id].sort());
    const disagreed = await world.reviewer.caller.labels.toReview({ queueId: world.queue.id, agreement: "disagreed" });
    expect(disagreed.items[0]!.agreed).toBe(false);
  });

  it("counts a rating's labels as agreeing when only their comments differ", async () => {
    const rows = await db().$queryRaw<{ disagree: boolean }[]>`
      SELECT count(DISTINCT v - 'comment') > 1 AS disagree
      FROM (VALUES ('{"kind":"rating","rating":4,"comment":"a"}'::jsonb), ('{"kind":"rating","rating":4}'::jsonb)) t(v)`;
    expect(rows[0]!.disagree).toBe(false);
  });
});
