import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import type { ServiceContext } from "@/server/services/context";
import { listRuns } from "@/server/services/experiments/list-runs";
import { logBatch } from "@/server/services/experiments/log-batch";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, tableCounts } from "@/tests/integration/experiments/helpers";

async function callerFor(role: Role) {
  const { user } = await givenUser(role);
  const current = await db().user.findUniqueOrThrow({ where: { id: user.id }, include: { team: true } });
  return createCaller({ system: systemContextFromEnv(), user: current });
}

type Fixture = { ctx: ServiceContext; experimentId: string; ids: Record<string, string> };
let fx: Fixture;

/**
 * Five runs:            auc    depth  optimizer  status    user   tags            commit
 *   a (oldest)          0.70   10     adam       FINISHED  ann    team=search     c1
 *   b                   0.90   9      sgd        FAILED    ann    team=ads        c2
 *   c                   0.80   100    adam       RUNNING   bob    team=search     -
 *   d                   -      2      -          RUNNING   bob    -               c1
 *   e (newest)          0.85   big    adam       KILLED    bob    team=search     c3
 */
beforeAll(async () => {
  const ann = await givenUser("DATA_SCIENTIST");
  const bob = await givenUser("DATA_SCIENTIST");
  await db().user.update({ where: { id: ann.user.id }, data: { name: "Ann Lee" } });
  await db().user.update({ where: { id: bob.user.id }, data: { name: "Bob Kim" } });
  const experiment = await givenExperiment(ann.ctx);
  const base = Date.UTC(2020, 0, 1);
  const spec = [
    {
      name: "a",
      who: ann,
      auc: 0.7,
      depth: "10",
      opt: "adam",
      status: "FINISHED",
      tags: { team: "search" },
      commit: "c1",
      minutes: 30,
    },
    {
      name: "b",
      who: ann,
      auc: 0.9,
      depth: "9",
      opt: "sgd",
      status: "FAILED",
      tags: { team: "ads" },
      commit: "c2",
      minutes: 5,
    },
    {
      name: "c",
      who: bob,
      auc: 0.8,
      depth: "100",
      opt: "adam",
      status: "RUNNING",
      tags: { team: "search" },
      minutes: null,
    },
    { name: "d", who: bob, depth: "2", status: "RUNNING", commit: "c1", minutes: null },
    {
      name: "e",
      who: bob,
      auc: 0.85,
      depth: "big",
      opt: "adam",
      status: "KILLED",
      tags: { team: "search" },
      commit: "c3",
      minutes: 10,
    },
  ] as const;
  const ids: Record<string, string> = {};
  for (const [i, s] of spec.entries()) {
    const startTime = new Date(base + i * 3_600_000);
    const run = await createRun(s.who.ctx, {
      experimentId: experiment.id,
      name: s.name,
      startTime,
      tags: "tags" in s ? s.tags : undefined,
      gitCommit: "commit" in s ? s.commit : undefined,
    });
    ids[s.name] = run.id;
    await logBatch(s.who.ctx, run.id, {
      params: { depth: s.depth, ...("opt" in s ? { optimizer: s.opt } : {}) },
      metrics:
        "auc" in s
          ? [
              { key: "auc", value: 0.1, step: 0 },
              { key: "auc", value: s.auc, step: 1 },
            ]
          : [{ key: "loss", value: 1, step: 0 }],
    });
    if (s.status !== "RUNNING") {
      await finishRun(s.who.ctx, run.id, {
        status: s.status,
        endTime: new Date(startTime.getTime() + (s.minutes ?? 0) * 60_000),
      });
    }
  }
  fx = { ctx: ann.ctx, experimentId: experiment.id, ids };
});

async function names(input: { filter?: string; sortBy?: string; sortDir?: "asc" | "desc"; pageSize?: number }) {
  const page = await listRuns(fx.ctx, { experimentId: fx.experimentId, ...input });
  return page.items.map((r) => r.name);
}

describe("listRuns", () => {
  it("returns runs newest first with params, latest metrics and tags", async () => {
    const page = await listRuns(fx.ctx, { experimentId: fx.experimentId });
    expect(page.items.map((r) => r.name)).toEqual(["e", "d", "c", "b", "a"]);
    expect(page.total).toBe(5);
    expect(page.nextCursor).toBeNull();
    expect(page.items[4]).toMatchObject({
      name: "a",
      status: "FINISHED",
      userName: "Ann Lee",
      gitCommit: "c1",
      datasetRef: null,
      tags: { team: "search" },
      metrics: { auc: 0.7 },
      params: { depth: "10", optimizer: "adam" },
    });
  });

  it("filters by metrics, params, attributes and tags", async () => {
    expect(await names({ filter: "metrics.auc > 0.8" })).toEqual(["e", "b"]);
    expect(await names({ filter: "metrics.auc >= 0.8 and metrics.auc < 0.9" })).toEqual(["e", "c"]);
    expect(await names({ filter: "metrics.auc != 0.9" })).toEqual(["e", "c", "a"]);
    expect(await names({ filter: "params.depth > 9" })).toEqual(["c", "a"]);
    expect(await names({ filter: "params.depth = 10.0" })).toEqual(["a"]);
    expect(await names({ filter: "params.depth = '10'" })).toEqual(["a"]);
    expect(await names({ filter: "params.optimizer != 'adam'" })).toEqual(["b"]);
    expect(await names({ filter: 'attributes.status = "running"' })).toEqual(["d", "c"]);
    expect(await names({ filter: 'attributes.status != "RUNNING"' })).toEqual(["e", "b", "a"]);
    expect(await names({ filter: 'attributes.user = "Bob Kim"' })).toEqual(["e", "d", "c"]);
    expect(await names({ filter: 'attributes.name >= "d"' })).toEqual(["e", "d"]);
    expect(await names({ filter: 'attributes.gitCommit = "c1"' })).toEqual(["d", "a"]);
    expect(await names({ filter: 'attributes.gitCommit != "c1"' })).toEqual(["e", "c", "b"]);
    expect(await names({ filter: 'tags.team = "search" and metrics.auc > 0.75' })).toEqual(["e", "c"]);
    expect(await names({ filter: 'tags.team != "search"' })).toEqual(["b"]);
    expect(await names({ filter: 'tags.missing = "x"' })).toEqual([]);
  });

  it("matches a user by email too", async () => {
    const ann = await db().user.findFirstOrThrow({ where: { name: "Ann Lee" } });
    expect(await names({ filter: `attributes.user = "${ann.email}"` })).toEqual(["b", "a"]);
  });

  it("treats filter text as data, never SQL", async () => {
    const before = await tableCounts();
    expect(
      await names({ filter: `params.depth = "1' OR '1'='1" and tags.\`team'; DROP TABLE "Run"; --\` = "x"` }),
    ).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it("sorts by attributes", async () => {
    expect(await names({ sortBy: "name", sortDir: "desc" })).toEqual(["e", "d", "c", "b", "a"]);
    expect(await names({ sortBy: "startTime", sortDir: "asc" })).toEqual(["a", "b", "c", "d", "e"]);
    expect(await names({ sortBy: "status", sortDir: "asc" })).toEqual(["b", "a", "e", "d", "c"]);
    // Finished runs by length; running ones have lasted years by now, so they come last.
    expect(await names({ sortBy: "duration", sortDir: "asc" })).toEqual(["b", "e", "a", "d", "c"]);
    expect(await names({ sortBy: "user", sortDir: "asc" })).toEqual(["b", "a", "e", "d", "c"]);
  });

  it("sorts by the latest metric value, runs without it last in both directions", async () => {
    expect(await names({ sortBy: "metrics.auc", sortDir: "desc" })).toEqual(["b", "e", "c", "a", "d"]);
    expect(await names({ sortBy: "metrics.auc", sortDir: "asc" })).toEqual(["a", "c", "e", "b", "d"]);
  });

  it("sorts params numerically only when every value is a number", async () => {
    // depth has "big", so it sorts as text ("10" < "100" < "2" < "9" < "big"); optimizer is text.
    expect(await names({ sortBy: "params.depth", sortDir: "asc" })).toEqual(["a", "c", "d", "b", "e"]);
    await db().runParam.update({
      where: { runId_key: { runId: fx.ids.e ?? "", key: "depth" } },
      data: { value: "1e3" },
    });
    expect(await names({ sortBy: "params.depth", sortDir: "asc" })).toEqual(["d", "b", "a", "c", "e"]);
    expect(await names({ sortBy: "params.optimizer", sortDir: "desc" })).toEqual(["b", "e", "c", "a", "d"]);
  });

  it("reads a param's number from its row, per experiment, whatever writes the row", async () => {
    const byDepthDesc = ["e", "c", "a", "b", "d"]; // 1e3, 100, 10, 9, 2 (the test before made e's depth 1e3)
    // The same key logged as text in another experiment leaves this one numeric.
    const other = await givenExperiment(fx.ctx);
    const elsewhere = await createRun(fx.ctx, { experimentId: other.id, name: "x" });
    await logBatch(fx.ctx, elsewhere.id, { params: { depth: "deep" } });
    expect(await names({ sortBy: "params.depth", sortDir: "desc" })).toEqual(byDepthDesc);
    // The number always follows the text, even when a writer sets the number itself.
    const depthOf = (name: string) => ({ runId_key: { runId: fx.ids[name] ?? "", key: "depth" } });
    await db().runParam.update({ where: depthOf("d"), data: { numericValue: 5_000 } });
    expect(await names({ sortBy: "params.depth", sortDir: "desc" })).toEqual(byDepthDesc);
    // Padding and exponents read as numbers in filters and sorts.
    await db().runParam.update({ where: depthOf("b"), data: { value: " 9e0 " } });
    expect(await names({ filter: "params.depth < 10" })).toEqual(["d", "b"]);
    expect(await names({ filter: "params.depth = 9" })).toEqual(["b"]);
    expect(await names({ sortBy: "params.depth", sortDir: "desc" })).toEqual(byDepthDesc);
    // Other scripts' spaces and digits are text (numeric would refuse them): the write succeeds, with no number.
    const odd = await createRun(fx.ctx, { experimentId: other.id, name: "y" });
    await logBatch(fx.ctx, odd.id, { params: { a: "1\u2003", b: "\u30001", c: "\u0661", d: "\t-2\n" } });
    const stored = await db().runParam.findMany({ where: { runId: odd.id }, orderBy: { key: "asc" } });
    expect(stored.map((param) => param.numericValue?.toString() ?? null)).toEqual([null, null, null, "-2"]);
  });

  it("pages with cursors, counting the runs on the first page only", async () => {
    const input = { experimentId: fx.experimentId, sortBy: "name", pageSize: 2 };
    const first = await listRuns(fx.ctx, input);
    expect(first).toMatchObject({ total: 5, nextCursor: expect.any(String) });
    const second = await listRuns(fx.ctx, { ...input, cursor: first.nextCursor });
    const third = await listRuns(fx.ctx, { ...input, cursor: second.nextCursor });
    expect([first, second, third].map((page) => page.items.map((r) => r.name))).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e"],
    ]);
    expect(second.total).toBeNull();
    expect(third.nextCursor).toBeNull();
  });

  it("rejects a bad filter or sort with 400, and an unknown experiment with 404", async () => {
    await expect(listRuns(fx.ctx, { experimentId: fx.experimentId, filter: "metrics.auc" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message:
        'Invalid filter: Expected an operator after "metrics.auc" at position 12, but the filter ended; use one of =, !=, <, <=, >, >=',
    });
    await expect(listRuns(fx.ctx, { experimentId: fx.experimentId, sortBy: "colour" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(listRuns(fx.ctx, { experimentId: "missing" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(listRuns(fx.ctx, { experimentId: fx.experimentId, pageSize: 501 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("experiments tRPC router", () => {
  it("serves list, get, runs and run to any signed-in role", async () => {
    const viewer = await callerFor("VIEWER");
    const list = await viewer.experiments.list({ search: "exp-" });
    expect(list.items.some((e) => e.id === fx.experimentId)).toBe(true);
    const experiment = await viewer.experiments.get({ id: fx.experimentId });
    expect(experiment).toMatchObject({ runCount: 5, metricKeys: ["auc", "loss"], paramKeys: ["depth", "optimizer"] });
    const runs = await viewer.experiments.runs({
      experimentId: fx.experimentId,
      filter: "metrics.auc > 0.8",
      sortBy: "metrics.auc",
      sortDir: "asc",
    });
    expect(runs.items.map((r) => r.name)).toEqual(["e", "b"]);
    const run = await viewer.experiments.run({ runId: fx.ids.a ?? "" });
    expect(run).toMatchObject({
      name: "a",
      experimentId: fx.experimentId,
      metricSeries: [expect.objectContaining({ key: "auc", pointCount: 2, lastStep: 1, minValue: 0.1, maxValue: 0.7 })],
    });
  });

  it("maps a bad filter to BAD_REQUEST with the parser's message", async () => {
    const viewer = await callerFor("VIEWER");
    const error = await viewer.experiments
      .runs({ experimentId: fx.experimentId, filter: "metrics.auc >> 1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining('Expected a number after "metrics.auc >" at position 14'),
    });
  });

  it("lets data scientists create experiments and forbids viewers", async () => {
    const scientist = await callerFor("DATA_SCIENTIST");
    const created = await scientist.experiments.createExperiment({ name: "trpc-created", description: "via tRPC" });
    expect(created).toMatchObject({ name: "trpc-created", runCount: 0 });
    await expect(scientist.experiments.createExperiment({ name: "trpc-created" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const viewer = await callerFor("VIEWER");
    const before = await tableCounts();
    await expect(viewer.experiments.createExperiment({ name: "viewer-made" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses callers who are not signed in", async () => {
    const anonymous = createCaller({ system: systemContextFromEnv(), user: null });
    await expect(anonymous.experiments.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
