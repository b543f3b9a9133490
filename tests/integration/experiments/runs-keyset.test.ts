import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { listRuns } from "@/server/services/experiments/list-runs";
import { createRun } from "@/server/services/experiments/runs";
import { encodeRunCursor } from "@/server/services/experiments/run-cursor";
import type { ListRunsInput } from "@/server/services/experiments/schemas";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, uniqueName } from "@/tests/integration/experiments/helpers";

// Invariants of the runs table's keyset pages:
// - walking every page of an ordering lists each run exactly once, in the order one big page gives;
// - runs added (or given the sort key) while someone walks never push an existing run onto two pages or off both;
// - a cursor that was edited, cut short or made under another ordering is a 400, never a 500 or a wrong page.

type Fixture = { ctx: ServiceContext; experimentId: string; userIds: string[] };
let fx: Fixture;
let runCounter = 0;

const BASE = Date.UTC(2024, 0, 1);
const ORDERINGS: Omit<ListRunsInput, "experimentId">[] = [
  {},
  { sortBy: "startTime", sortDir: "asc" },
  { sortBy: "name", sortDir: "asc" },
  { sortBy: "metrics.auc", sortDir: "desc" },
  { sortBy: "metrics.auc", sortDir: "asc" },
  { sortBy: "params.depth", sortDir: "asc" },
  { sortBy: "params.optimizer", sortDir: "desc" },
  { sortBy: "user", sortDir: "asc" },
  { sortBy: "duration", sortDir: "desc" },
  { sortBy: "endTime", sortDir: "asc" },
  { sortBy: "metrics.auc", sortDir: "desc", filter: "params.optimizer = 'adam'" },
];

/**
 * Adds runs built to tie: start times repeat every 4 runs, auc every 5 (a third have none), depth every 3, and ids are
 * chosen so the id tie-break is exercised in both directions of the other keys.
 */
async function addRuns(count: number) {
  const runs = Array.from({ length: count }, () => {
    const i = (runCounter += 1);
    const start = new Date(BASE + (i % 4) * 60_000);
    return {
      i,
      run: {
        id: `ks${String((i * 7919) % 100_000).padStart(5, "0")}${uniqueName("r")}`,
        experimentId: fx.experimentId,
        name: `run-${i % 6}`,
        status: i % 3 === 0 ? ("RUNNING" as const) : ("FINISHED" as const),
        startTime: start,
        endTime: i % 3 === 0 ? null : new Date(start.getTime() + (i % 5) * 1_000),
        userId: fx.userIds[i % fx.userIds.length] ?? "",
      },
    };
  });
  await db().run.createMany({ data: runs.map((r) => r.run) });
  await db().metricSeries.createMany({
    data: runs
      .filter((r) => r.i % 3 !== 1)
      .map((r) => ({
        runId: r.run.id,
        key: "auc",
        lastValue: (r.i % 5) / 10 + 0.1234567890123,
        lastStep: 1,
        minValue: 0,
        maxValue: 1,
        pointCount: 1,
      })),
  });
  await db().runParam.createMany({
    data: runs.flatMap((r) => [
      { runId: r.run.id, key: "depth", value: String((r.i % 3) * 2.5) },
      { runId: r.run.id, key: "optimizer", value: ["adam", "sgd"][r.i % 2] ?? "adam" },
    ]),
  });
  return runs.map((r) => r.run.id);
}

/** Every page of the ordering; `between(pageNumber)` runs after each page is read. */
async function walk(
  ordering: Omit<ListRunsInput, "experimentId">,
  pageSize: number,
  between?: (page: number) => Promise<unknown>,
) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listRuns(fx.ctx, { experimentId: fx.experimentId, ...ordering, pageSize, cursor });
    ids.push(...page.items.map((r) => r.id));
    cursor = page.nextCursor;
    await between?.((pages += 1));
  } while (cursor);
  return ids;
}

/** The runs the ordering's filter lets through, read straight from the database. */
async function matchingRuns(ordering: Omit<ListRunsInput, "experimentId">) {
  const runs = await db().run.findMany({
    where: {
      experimentId: fx.experimentId,
      ...(ordering.filter ? { params: { some: { key: "optimizer", value: "adam" } } } : {}),
    },
    select: { id: true },
  });
  return new Set(runs.map((r) => r.id));
}

const oneBigPage = async (ordering: Omit<ListRunsInput, "experimentId">) =>
  (await listRuns(fx.ctx, { experimentId: fx.experimentId, ...ordering, pageSize: 500 })).items.map((r) => r.id);

beforeAll(async () => {
  const ann = await givenUser("DATA_SCIENTIST");
  const bob = await givenUser("DATA_SCIENTIST");
  await db().user.update({ where: { id: ann.user.id }, data: { name: "Ann" } });
  await db().user.update({ where: { id: bob.user.id }, data: { name: "Bob" } });
  const experiment = await givenExperiment(ann.ctx);
  fx = { ctx: ann.ctx, experimentId: experiment.id, userIds: [ann.user.id, bob.user.id] };
  await addRuns(60);
});

describe("keyset pages of runs", () => {
  it.each(ORDERINGS.map((o) => [JSON.stringify(o), o] as const))(
    "walk every run once, in the one-page order: %s",
    async (_name, ordering) => {
      const expected = await oneBigPage(ordering);
      expect(expected.length).toBeGreaterThan(20);
      for (const pageSize of [1, 7]) expect(await walk(ordering, pageSize)).toEqual(expected);
    },
  );

  it.each(ORDERINGS.map((o) => [JSON.stringify(o), o] as const))(
    "skip and repeat no run while runs are being added: %s",
    async (_name, ordering) => {
      const before = await matchingRuns(ordering);
      const added: string[] = [];
      const seen = await walk(ordering, 5, async (page) => page <= 4 && added.push(...(await addRuns(3))));
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of before) expect(seen).toContain(id);
      // Runs added meanwhile show up at most once, wherever the order puts them past the cursor.
      expect(seen.filter((id) => !before.has(id)).every((id) => added.includes(id))).toBe(true);
    },
  );

  it("keeps every run once while another caller adds runs at the same time", async () => {
    const before = await matchingRuns({});
    const [seen] = await Promise.all([
      walk({ sortBy: "metrics.auc", sortDir: "desc" }, 10),
      (async () => {
        for (let i = 0; i < 10; i++) await addRuns(4);
      })(),
    ]);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it("refuses an edited, truncated or foreign cursor with 400 and never a 500", async () => {
    const input = { experimentId: fx.experimentId, sortBy: "metrics.auc", sortDir: "desc" as const, pageSize: 3 };
    const { nextCursor } = await listRuns(fx.ctx, input);
    expect(nextCursor).toEqual(expect.any(String));
    const cursor = nextCursor ?? "";
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    const forged = (patch: Record<string, unknown>) => encodeRunCursor({ ...decoded, ...patch } as never);
    const bad = [
      "garbage",
      cursor.slice(0, 10),
      forged({ key: "not a number" }),
      forged({ key: "1e99999" }),
      forged({ start: "yesterday" }),
      forged({ start: "2024-13-45 99:99:99" }),
      forged({ id: "" }),
      forged({ start: "0000-01-01 00:00:00" }),
      forged({ asOf: "2024-02-30 00:00:00" }),
      forged({ key: "1e-400" }),
      forged({ id: "run\u0000" }),
      forged({ id: "run\ud800" }),
      forged({ order: undefined }),
      Buffer.from("[1,2,3]").toString("base64url"),
    ];
    for (const text of bad) {
      await expect(listRuns(fx.ctx, { ...input, cursor: text })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(listRuns(fx.ctx, { ...input, sortDir: "asc", cursor })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("order changed"),
    });
    await expect(listRuns(fx.ctx, { ...input, sortBy: "name", cursor })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(listRuns(fx.ctx, { ...input, filter: "params.optimizer = 'sgd'", cursor })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const other = await givenExperiment(fx.ctx);
    await expect(listRuns(fx.ctx, { ...input, experimentId: other.id, cursor })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("continues after a run whose text sort key is a param value of 6,000 characters (by its first 200)", async () => {
    const [id] = await addRuns(1);
    const long = "z" + "\u00e9".repeat(5_999);
    await db().runParam.update({ where: { runId_key: { runId: id ?? "", key: "optimizer" } }, data: { value: long } });
    const ordering = { sortBy: "params.optimizer", sortDir: "desc" as const };
    const expected = await oneBigPage(ordering);
    expect(expected[0]).toBe(id);
    const input = { experimentId: fx.experimentId, ...ordering, pageSize: 1 };
    const first = await listRuns(fx.ctx, input);
    expect(first.items.map((r) => r.id)).toEqual([id]);
    // Short enough for a URL: the cursor travels in the query string of a tRPC GET.
    expect(first.nextCursor?.length).toBeLessThan(2_000);
    const second = await listRuns(fx.ctx, { ...input, cursor: first.nextCursor });
    expect(second.items.map((r) => r.id)).toEqual([expected[1]]);
    await db().runParam.update({
      where: { runId_key: { runId: id ?? "", key: "optimizer" } },
      data: { value: "adam" },
    });
  });

  it("refuses run times a cursor could not carry (outside the years 1 to 9999, UTC) with 400", async () => {
    for (const startTime of ["0000-06-01T00:00:00Z", "9999-12-31T23:00:00-05:00", "+010000-01-01T00:00:00Z"]) {
      await expect(createRun(fx.ctx, { experimentId: fx.experimentId, startTime })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    const run = await createRun(fx.ctx, { experimentId: fx.experimentId, startTime: "0001-01-01T00:00:00Z" });
    const walked = await walk({ sortBy: "startTime", sortDir: "asc" }, 1, async (page) => page);
    expect(walked[0]).toBe(run.id);
    await db().run.delete({ where: { id: run.id } });
  });

  it("refuses a cursor once a param's values stop being all numbers (its order changed)", async () => {
    const input = { experimentId: fx.experimentId, sortBy: "params.depth", sortDir: "asc" as const, pageSize: 3 };
    const { nextCursor } = await listRuns(fx.ctx, input);
    const [one] = await addRuns(1);
    await db().runParam.update({ where: { runId_key: { runId: one ?? "", key: "depth" } }, data: { value: "deep" } });
    await expect(listRuns(fx.ctx, { ...input, cursor: nextCursor })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await db().runParam.update({ where: { runId_key: { runId: one ?? "", key: "depth" } }, data: { value: "4" } });
  });
});
