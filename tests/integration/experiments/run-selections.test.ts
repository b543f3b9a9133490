import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { compareRuns } from "@/server/services/experiments/compare-runs";
import { logBatch } from "@/server/services/experiments/log-batch";
import {
  getRunSelection,
  runSelectionId,
  saveMatchingRuns,
  saveRunSelection,
  SELECTIONS_PER_HOUR,
} from "@/server/services/experiments/run-selections";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, givenRun } from "@/tests/integration/experiments/helpers";

async function givenScoredRuns(scores: number[]) {
  const given = await givenUser("DATA_SCIENTIST");
  const experiment = await givenExperiment(given.ctx);
  const runs = [];
  for (const [i, auc] of scores.entries()) {
    const run = await givenRun(given.ctx, experiment.id, { name: `run-${i}` });
    await logBatch(given.ctx, run.id, { metrics: [{ key: "auc", value: auc, step: 0 }] });
    runs.push(run);
  }
  return { ...given, experiment, runs };
}

const selectionRows = (id: string) => db().runSelection.count({ where: { id } });

describe("saved run selections", () => {
  it("saves runs in order under a digest of the list: the same list twice is one row, another order is another", async () => {
    const { runs } = await givenScoredRuns([0.1, 0.2, 0.3]);
    const viewer = await givenUser("VIEWER");
    const ids = runs.map((run) => run.id);

    const saved = await saveRunSelection(viewer.ctx, { runIds: ids });
    expect(saved).toEqual({ id: runSelectionId(ids), runIds: ids });
    expect(saved.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await getRunSelection(viewer.ctx, saved.id)).toEqual(saved);

    const [again, alsoAgain] = await Promise.all([
      saveRunSelection(viewer.ctx, { runIds: ids }),
      saveRunSelection((await givenUser("ADMIN")).ctx, { runIds: ids }),
    ]);
    expect([again.id, alsoAgain.id]).toEqual([saved.id, saved.id]);
    expect(await selectionRows(saved.id)).toBe(1);

    const reversed = await saveRunSelection(viewer.ctx, { runIds: [...ids].reverse() });
    expect(reversed.id).not.toBe(saved.id);
    expect((await getRunSelection(viewer.ctx, reversed.id)).runIds).toEqual([...ids].reverse());
  });

  it("refuses unknown runs, duplicates and more than 1,000 runs, saving nothing", async () => {
    const { ctx, runs } = await givenScoredRuns([0.5]);
    const withMissing = [runs[0]!.id, "no-such-run"];
    await expect(saveRunSelection(ctx, { runIds: withMissing })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("no-such-run"),
    });
    expect(await selectionRows(runSelectionId(withMissing))).toBe(0);
    await expect(saveRunSelection(ctx, { runIds: [runs[0]!.id, runs[0]!.id] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(saveRunSelection(ctx, { runIds: [] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const tooMany = Array.from({ length: 1_001 }, (_, i) => `r${i}`);
    await expect(saveRunSelection(ctx, { runIds: tooMany })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("at most 1,000 runs"),
    });
  });

  it("lets one person save 120 new selections an hour, and always lets them save one that exists", async () => {
    const { runs } = await givenScoredRuns([0.1, 0.2]);
    const viewer = await givenUser("VIEWER");
    const existing = await saveRunSelection(viewer.ctx, { runIds: [runs[0]!.id] });
    const now = new Date();
    await db().runSelection.createMany({
      data: Array.from({ length: SELECTIONS_PER_HOUR - 1 }, (_, i) => ({
        id: `quota${i}`.padEnd(22, "x"),
        runIds: [runs[0]!.id],
        createdById: viewer.user.id,
        createdAt: new Date(now.getTime() - i * 1000),
      })),
    });
    await expect(saveRunSelection(viewer.ctx, { runIds: [runs[1]!.id] })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
    expect(await selectionRows(runSelectionId([runs[1]!.id]))).toBe(0);
    expect(await saveRunSelection(viewer.ctx, { runIds: [runs[0]!.id] })).toEqual(existing);
    // Another person's quota is their own; an hour later the first person may save again.
    await expect(saveRunSelection((await givenUser("VIEWER")).ctx, { runIds: [runs[1]!.id] })).resolves.toBeTruthy();
    const later = { ...viewer.ctx, clock: () => new Date(now.getTime() + 3_600_000 + 1000) };
    await expect(saveRunSelection(later, { runIds: [...runs.map((run) => run.id)].reverse() })).resolves.toBeTruthy();
  });

  it("lets saves sent at once past the quota by no more than it allows", async () => {
    const { runs } = await givenScoredRuns([0.1, 0.2, 0.3]);
    const viewer = await givenUser("VIEWER");
    await db().runSelection.createMany({
      data: Array.from({ length: SELECTIONS_PER_HOUR - 1 }, (_, i) => ({
        id: `race${i}`.padEnd(22, "y"),
        runIds: [runs[0]!.id],
        createdById: viewer.user.id,
      })),
    });
    const ids = runs.map((run) => run.id);
    const lists = [
      [ids[0]!, ids[1]!],
      [ids[1]!, ids[0]!],
      [ids[0]!, ids[2]!],
      [ids[2]!, ids[0]!],
      [ids[1]!, ids[2]!],
    ];
    const outcomes = await Promise.allSettled(lists.map((runIds) => saveRunSelection(viewer.ctx, { runIds })));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(await db().runSelection.count({ where: { createdById: viewer.user.id } })).toBe(SELECTIONS_PER_HOUR);
  });

  it.each([
    ["too short", "abc"],
    ["with a slash", "a".repeat(21) + "/"],
    ["too long", "a".repeat(23)],
  ])("refuses a selection id that is %s, and answers NOT_FOUND for one never saved", async (_label, id) => {
    const { ctx } = await givenUser("VIEWER");
    await expect(getRunSelection(ctx, id)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(getRunSelection(ctx, "A".repeat(22))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("compares a saved selection in its saved order, and wants runIds or a selection, not both or neither", async () => {
    const { ctx, runs } = await givenScoredRuns([0.1, 0.2, 0.3]);
    const ids = [runs[2]!.id, runs[0]!.id, runs[1]!.id];
    const { id } = await saveRunSelection(ctx, { runIds: ids });
    const comparison = await compareRuns(ctx, { selection: id, curves: false });
    expect(comparison.runs.map((run) => run.id)).toEqual(ids);
    expect(comparison.metricKeys).toEqual(["auc"]);
    await expect(compareRuns(ctx, { selection: id, runIds: ids })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(compareRuns(ctx, {})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(compareRuns(ctx, { selection: "B".repeat(22) })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("saving the runs a view lists", () => {
  it("saves the view's runs in its filter and sort order, with how many it lists", async () => {
    const { ctx, experiment, runs } = await givenScoredRuns([0.4, 0.9, 0.7, 0.2]);
    const saved = await saveMatchingRuns(ctx, {
      experimentId: experiment.id,
      filter: "metrics.auc > 0.3",
      sortBy: "metrics.auc",
      sortDir: "desc",
    });
    expect(saved.runIds).toEqual([runs[1]!.id, runs[2]!.id, runs[0]!.id]);
    expect(saved.total).toBe(3);
    expect(await getRunSelection(ctx, saved.id)).toEqual({ id: saved.id, runIds: saved.runIds });
  });

  it("keeps the first 1,000 of a longer list, and counts them all", async () => {
    const { ctx, user } = await givenUser("DATA_SCIENTIST");
    const experiment = await givenExperiment(ctx);
    await db().$executeRaw`
      INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "userId", tags)
      SELECT ${experiment.id} || '_' || g, ${experiment.id}, 'bulk-' || g, 'FINISHED', now() - g * interval '1 second', ${user.id}, '{}'
      FROM generate_series(1, 1005) g`;
    const saved = await saveMatchingRuns(ctx, { experimentId: experiment.id });
    expect(saved.total).toBe(1_005);
    expect(saved.runIds).toHaveLength(1_000);
    expect(saved.runIds[0]).toBe(`${experiment.id}_1`);
    expect(new Set(saved.runIds).size).toBe(1_000);
  });

  it("refuses a view that lists no run, an unknown experiment and a bad filter, saving nothing", async () => {
    const { ctx, user, experiment } = await givenScoredRuns([0.5]);
    await expect(
      saveMatchingRuns(ctx, { experimentId: experiment.id, filter: "metrics.auc > 2" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: "No run matches this filter" });
    await expect(saveMatchingRuns(ctx, { experimentId: "no-such-experiment" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(saveMatchingRuns(ctx, { experimentId: experiment.id, filter: "metrics.auc >" })).rejects.toMatchObject(
      { code: "BAD_REQUEST" },
    );
    expect(await db().runSelection.count({ where: { createdById: user.id } })).toBe(0);
  });
});
