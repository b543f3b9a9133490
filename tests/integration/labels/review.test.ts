import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { sampleQueue } from "@/server/services/labels/sampling";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import {
  createdOnDay,
  DAY,
  givenClassifier,
  givenQueue,
  insertPredictions,
  lateClock,
  uuidOf,
} from "@/tests/integration/labels/fixtures";
import { personWithCaller, trpcOutcome } from "@/tests/integration/support/trpc-caller";

const TEAM = "labels-review";

const person = (role: Role, team = TEAM) => personWithCaller(role, team);

let world: Awaited<ReturnType<typeof setUp>>;

/** A queue (overlap 2) with six items sampled for real (AUDIT rate 1). */
async function setUp() {
  const ds = await person("DATA_SCIENTIST");
  const annotator = await person("REVIEWER");
  const reviewer = await person("REVIEWER");
  const reviewer2 = await person("REVIEWER");
  const outsider = await person("REVIEWER", "labels-other-team");
  const { model, endpoint } = await givenClassifier(ds.ctx, ds.team.id);
  const at = new Date(`${DAY}T04:00:00Z`);
  const predictions = Array.from({ length: 6 }, (_, i) => ({ id: uuidOf(`review-${i}`), score: 0.1 + i * 0.15, at }));
  await insertPredictions(endpoint, predictions);
  const queue = await ds.caller.labels.createQueue({
    modelName: model.name,
    name: "fraud review",
    overlap: 2,
    sampling: (
      await givenQueue(ds.ctx, model.name, {
        sampling: { rates: { AUDIT: 1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
      })
    ).sampling,
  });
  expect(queue.labelSchema).toEqual({ kind: "classes", classes: ["legit", "fraud"] });
  await createdOnDay(queue.id);
  await sampleQueue({ db: db(), clock: lateClock }, queue.id);
  return { ds, annotator, reviewer, reviewer2, outsider, model, endpoint, queue };
}

beforeAll(async () => {
  world = await setUp();
});

const label = (value: string) => ({ kind: "classes" as const, label: value });

/** The next item `caller` may label, and both of the overlap's labels given. */
async function labelledItem(first: string, second: string) {
  const { items } = await world.ds.caller.labels.nextItems({ queueId: world.queue.id });
  const item = items[0]!;
  await world.ds.caller.labels.annotate({ itemId: item.id, round: item.round, value: label(first) });
  await world.annotator.caller.labels.annotate({ itemId: item.id, round: item.round, value: label(second) });
  return item;
}

const code = trpcOutcome;

describe("blind labelling and review", () => {
  it("never shows an annotator anyone else's label, and moves an item to review after k labels", async () => {
    const { items } = await world.ds.caller.labels.nextItems({ queueId: world.queue.id, limit: 50 });
    expect(items).toHaveLength(6);
    // Pages continue after an item in the same order (the keyset `after`).
    const firstPage = await world.ds.caller.labels.nextItems({ queueId: world.queue.id, limit: 4 });
    const secondPage = await world.ds.caller.labels.nextItems({
      queueId: world.queue.id,
      limit: 4,
      after: firstPage.items.at(-1)!.id,
    });
    expect([...firstPage.items, ...secondPage.items].map((i) => i.id)).toEqual(items.map((i) => i.id));
    const item = items[0]!;
    await world.ds.caller.labels.annotate({ itemId: item.id, round: 1, value: label("fraud") });
    const seen = await world.annotator.caller.labels.nextItems({ queueId: world.queue.id, limit: 50 });
    expect(seen.items.map((i) => i.id)).toContain(item.id);
    const text = JSON.stringify(seen);
    expect(text).not.toContain(world.ds.user.id);
    expect(text).not.toContain('"fraud"}');
    // The labeller no longer gets the item they labelled; a second label of theirs is refused.
    const mine = await world.ds.caller.labels.nextItems({ queueId: world.queue.id, limit: 50 });
    expect(mine.items.map((i) => i.id)).not.toContain(item.id);
    expect(await code(world.ds.caller.labels.annotate({ itemId: item.id, round: 1, value: label("legit") }))).toBe(
      "CONFLICT",
    );
    // Annotators cannot reach the review view or the agreement (both name labels and labellers).
    expect(await code(world.ds.caller.labels.toReview({ queueId: world.queue.id }))).toBe("FORBIDDEN");
    expect(await code(world.ds.caller.labels.agreement({ queueId: world.queue.id }))).toBe("FORBIDDEN");

    const done = await world.annotator.caller.labels.annotate({ itemId: item.id, round: 1, value: label("fraud") });
    expect(done.status).toBe("REVIEW");
    expect(await code(world.annotator.caller.labels.annotate({ itemId: item.id, round: 1, value: label("x") }))).toBe(
      "CONFLICT",
    );
  });

  it("refuses a label outside the queue's classes, writing nothing", async () => {
    const { items } = await world.reviewer2.caller.labels.nextItems({ queueId: world.queue.id });
    const before = await db().annotation.count();
    expect(
      await code(world.reviewer2.caller.labels.annotate({ itemId: items[0]!.id, round: 1, value: label("maybe") })),
    ).toBe("BAD_REQUEST");
    expect(await db().annotation.count()).toBe(before);
  });

  it("never lets an annotator review, and ACCEPT writes ground truth with π and stratum, audited", async () => {
    const reviewable = await world.reviewer.caller.labels.toReview({ queueId: world.queue.id });
    const item = reviewable.items[0]!;
    expect(item.agreed).toBe(true);
    expect(item.annotations.map((a) => a.annotator.id).sort()).toEqual(
      [world.ds.user.id, world.annotator.user.id].sort(),
    );
    // The item's own annotator (a reviewer by role) sees nothing to review and may not decide.
    const own = await world.annotator.caller.labels.toReview({ queueId: world.queue.id });
    expect(own.items.map((i) => i.id)).not.toContain(item.id);
    expect(await code(world.annotator.caller.labels.review({ itemId: item.id, round: 1, decision: "ACCEPT" }))).toBe(
      "FORBIDDEN",
    );

    const accepted = await world.reviewer.caller.labels.review({ itemId: item.id, round: 1, decision: "ACCEPT" });
    expect(accepted).toMatchObject({ status: "ACCEPTED", finalValue: label("fraud"), groundTruth: true });
    const stored = await db().labelItem.findUniqueOrThrow({ where: { id: item.id } });
    const outcome = await db().predictionOutcome.findUniqueOrThrow({
      where: { predictionId_source: { predictionId: stored.predictionId, source: "REVIEW" } },
    });
    expect(outcome).toMatchObject({
      label: "fraud",
      inclusionProbability: stored.inclusionProbability,
      stratum: "AUDIT",
      endpointId: world.endpoint.id,
      score: stored.score,
      predictedLabel: stored.score! >= 0.5 ? "fraud" : "legit",
      recordedById: world.reviewer.user.id,
    });
    const audit = await db().auditLog.findMany({ where: { entityType: "LabelItem", entityId: item.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["labels.annotate", "labels.annotate", "labels.review"]);
  });

  it("needs adjudication when labels disagree, and rejects with a reason back to a new round", async () => {
    const split = await labelledItem("fraud", "legit");
    expect(await code(world.reviewer.caller.labels.review({ itemId: split.id, round: 1, decision: "ACCEPT" }))).toBe(
      "CONFLICT",
    );
    const settled = await world.reviewer.caller.labels.adjudicate({
      itemId: split.id,
      round: 1,
      value: label("legit"),
    });
    expect(settled).toMatchObject({ decision: "FIX_ACCEPT", status: "ACCEPTED", finalValue: label("legit") });

    const rejected = await labelledItem("fraud", "fraud");
    expect(
      await code(
        world.reviewer.caller.labels.review({ itemId: rejected.id, round: 1, decision: "REJECT", reason: " " }),
      ),
    ).toBe("BAD_REQUEST");
    const back = await world.reviewer.caller.labels.review({
      itemId: rejected.id,
      round: 1,
      decision: "REJECT",
      reason: "The amount says otherwise",
    });
    expect(back).toMatchObject({ status: "LABELLING", round: 2, finalValue: null, groundTruth: false });
    expect(await db().annotation.count({ where: { itemId: rejected.id, round: 1 } })).toBe(2);
    const again = await world.ds.caller.labels.nextItems({ queueId: world.queue.id, limit: 50 });
    expect(again.items.find((i) => i.id === rejected.id)).toMatchObject({ round: 2 });
    // A label for the old round is refused.
    expect(await code(world.ds.caller.labels.annotate({ itemId: rejected.id, round: 1, value: label("legit") }))).toBe(
      "CONFLICT",
    );
  });

  it("lets only one of two reviewers acting at once decide an item", async () => {
    const item = await labelledItem("legit", "legit");
    const results = await Promise.all([
      code(world.reviewer.caller.labels.review({ itemId: item.id, round: item.round, decision: "ACCEPT" })),
      code(
        world.reviewer2.caller.labels.review({ itemId: item.id, round: item.round, decision: "REJECT", reason: "no" }),
      ),
    ]);
    expect(results.sort()).toEqual(["CONFLICT", "OK"]);
    expect(await db().labelReview.count({ where: { itemId: item.id, round: item.round } })).toBe(1);
  });

  it("shows my queues with counts and what waits on me, and computes agreement for reviewers", async () => {
    const mine = await world.reviewer2.caller.labels.myQueues();
    const queue = mine.find((q) => q.id === world.queue.id)!;
    expect(queue.counts.accepted + queue.counts.review + queue.counts.labelling).toBe(6);
    expect(queue.toLabel).toBeGreaterThan(0);
    expect(await world.outsider.caller.labels.myQueues()).toEqual([]);
    const agreement = await world.reviewer.caller.labels.agreement({ queueId: world.queue.id });
    expect(agreement.metric).toBe("nominal");
    expect(agreement.overall.items).toBeGreaterThanOrEqual(4);
    expect(agreement.pairs[0]!.items).toBeGreaterThanOrEqual(4);
  });

  it("keeps a queue with accepted labels, and deletes an empty one with an audit row", async () => {
    expect(await code(world.ds.caller.labels.deleteQueue({ queueId: world.queue.id }))).toBe("CONFLICT");
    const empty = await world.ds.caller.labels.createQueue({ modelName: world.model.name, name: "scratch" });
    expect(await code(world.ds.caller.labels.createQueue({ modelName: world.model.name, name: "scratch" }))).toBe(
      "CONFLICT",
    );
    await world.ds.caller.labels.deleteQueue({ queueId: empty.id });
    expect(await db().labelQueue.count({ where: { id: empty.id } })).toBe(0);
    const actions = await db().auditLog.findMany({ where: { entityId: empty.id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["labels.queue.create", "labels.queue.delete"]);
  });

  it("refuses people of another team (403) and writes nothing", async () => {
    const { items } = await world.ds.caller.labels.nextItems({ queueId: world.queue.id });
    const before = await db().annotation.count();
    expect(await code(world.outsider.caller.labels.nextItems({ queueId: world.queue.id }))).toBe("FORBIDDEN");
    expect(
      await code(
        world.outsider.caller.labels.annotate({ itemId: items[0]!.id, round: items[0]!.round, value: label("fraud") }),
      ),
    ).toBe("FORBIDDEN");
    expect(await code(world.outsider.caller.labels.updateQueue({ queueId: world.queue.id, dailyBudget: 1 }))).toBe(
      "FORBIDDEN",
    );
    expect(await db().annotation.count()).toBe(before);
    const viewer = await person("VIEWER");
    expect(await code(viewer.caller.labels.annotate({ itemId: items[0]!.id, round: 1, value: label("fraud") }))).toBe(
      "FORBIDDEN",
    );
  });
});

describe("flagging predictions over REST", () => {
  it("flags once per prediction for the owning team and refuses other teams", async () => {
    const own = await givenToken("DATA_SCIENTIST", ["feedback:write"]);
    await db().user.update({ where: { id: own.user.id }, data: { teamId: world.ds.team.id } });
    const path = `/endpoints/${world.endpoint.name}/flags`;
    const predictionId = uuidOf("review-flag");
    const first = await callApi("POST", path, { token: own.secret, json: { predictionId, reason: "complaint" } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ predictionId, created: true });
    const repeat = await callApi("POST", path, { token: own.secret, json: { predictionId, reason: "complaint" } });
    expect(repeat.json).toMatchObject({ created: false });
    expect(await db().predictionFlag.count({ where: { predictionId } })).toBe(1);
    expect(await db().auditLog.count({ where: { action: "labels.flag" } })).toBe(1);

    const other = await givenToken("DATA_SCIENTIST", ["feedback:write"]);
    await db().user.update({ where: { id: other.user.id }, data: { teamId: world.outsider.team.id } });
    const refused = await callApi("POST", path, {
      token: other.secret,
      json: { predictionId: uuidOf("x"), reason: "r" },
    });
    expect(refused.status).toBe(403);
    const bad = await callApi("POST", path, { token: own.secret, json: { predictionId: "not-a-uuid", reason: "r" } });
    expect(bad.status).toBe(400);
  });
});
