import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createExperiment, getExperiment, listExperiments } from "@/server/services/experiments/experiments";
import { logBatch } from "@/server/services/experiments/log-batch";
import { getRun } from "@/server/services/experiments/run-views";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { givenUser } from "@/tests/integration/fixtures";
import { givenExperiment, givenRun, tableCounts, uniqueName } from "@/tests/integration/experiments/helpers";

describe("experiments", () => {
  it("creates an experiment in the creator's team and audits it", async () => {
    const { ctx, team } = await givenUser("DATA_SCIENTIST", "Search team");
    const name = uniqueName("churn");
    const created = await createExperiment(ctx, { name: `  ${name}  `, description: "Predict churn" });
    expect(created).toMatchObject({
      name,
      description: "Predict churn",
      teamName: team.name,
      runCount: 0,
      lastRunAt: null,
      isDemo: false,
    });
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: created.id } });
    expect(audit).toMatchObject({ action: "experiment.create", actorId: ctx.actor.userId });
  });

  it("refuses a duplicate name with 409 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { name } = await givenExperiment(ctx);
    const before = await tableCounts();
    await expect(createExperiment(ctx, { name })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `An experiment named "${name}" already exists`,
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("rejects invalid input before writing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const before = await tableCounts();
    await expect(createExperiment(ctx, { name: "   " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Name is required"),
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("lists with search, pagination, run counts and last run time", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const prefix = uniqueName("listing");
    const a = await givenExperiment(ctx, `${prefix}-alpha`);
    const b = await givenExperiment(ctx, `${prefix}-beta`);
    await givenExperiment(ctx, `${prefix}-100%_done`);
    await givenRun(ctx, a.id);
    const latest = await createRun(ctx, { experimentId: a.id, startTime: new Date("2031-01-01T00:00:00Z") });

    const all = await listExperiments(ctx, { search: prefix.toUpperCase(), pageSize: 2 });
    expect(all.total).toBe(3);
    expect(all.items).toHaveLength(2);
    expect(all.items[0]).toMatchObject({ id: a.id, runCount: 2, lastRunAt: latest.startTime });
    const page2 = await listExperiments(ctx, { search: prefix, page: 2, pageSize: 2 });
    expect(page2.items).toHaveLength(1);

    expect((await listExperiments(ctx, { search: `${prefix}-b` })).items.map((e) => e.id)).toEqual([b.id]);
    // LIKE wildcards in the search are literal characters.
    expect((await listExperiments(ctx, { search: "100%_" })).items.map((e) => e.name)).toEqual([`${prefix}-100%_done`]);
    expect((await listExperiments(ctx, { search: `${prefix}%` })).total).toBe(0);
  });

  it("gets an experiment with its metric and param keys", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const experiment = await givenExperiment(ctx);
    const run = await givenRun(ctx, experiment.id);
    await logBatch(ctx, run.id, {
      params: { lr: "0.1", depth: 3 },
      metrics: [
        { key: "loss", value: 1, step: 0 },
        { key: "auc", value: 0.5, step: 0 },
      ],
    });
    const detail = await getExperiment(ctx, experiment.id);
    expect(detail).toMatchObject({
      id: experiment.id,
      runCount: 1,
      metricKeys: ["auc", "loss"],
      paramKeys: ["depth", "lr"],
    });
    await expect(getExperiment(ctx, "missing")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Experiment not found",
    });
  });

  it("lists only the experiment's own keys, however its rows were written, and follows a run that moves", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const mine = await givenExperiment(ctx);
    const other = await givenExperiment(ctx);
    const run = await givenRun(ctx, mine.id);
    const elsewhere = await givenRun(ctx, other.id);
    await logBatch(ctx, run.id, { params: { lr: "0.1" }, metrics: [{ key: "loss", value: 1, step: 0 }] });
    await logBatch(ctx, elsewhere.id, { params: { seed: "7" }, metrics: [{ key: "f1", value: 1, step: 0 }] });
    // Rows written without the application (a bulk load, a script) and one that claims another experiment.
    await db()
      .$executeRaw`INSERT INTO "RunParam"("runId", "key", "value", "experimentId") VALUES (${run.id}, 'bulk', '1', ${other.id})`;
    expect(await getExperiment(ctx, mine.id)).toMatchObject({ metricKeys: ["loss"], paramKeys: ["bulk", "lr"] });
    expect(await getExperiment(ctx, other.id)).toMatchObject({ metricKeys: ["f1"], paramKeys: ["seed"] });

    await db().run.update({ where: { id: elsewhere.id }, data: { experimentId: mine.id } });
    expect(await getExperiment(ctx, mine.id)).toMatchObject({
      metricKeys: ["f1", "loss"],
      paramKeys: ["bulk", "lr", "seed"],
    });
    expect(await getExperiment(ctx, other.id)).toMatchObject({ metricKeys: [], paramKeys: [] });
  });
});

describe("runs", () => {
  it("creates a RUNNING run with its details and audits it", async () => {
    const { ctx, user } = await givenUser("DATA_SCIENTIST");
    const experiment = await givenExperiment(ctx);
    const startTime = new Date("2030-05-01T10:00:00Z");
    const run = await createRun(ctx, {
      experimentId: experiment.id,
      name: "baseline",
      gitCommit: "0123abcd",
      datasetRef: "s3://data/train@v3",
      tags: { team: "search" },
      startTime,
    });
    expect(run).toMatchObject({
      experimentId: experiment.id,
      experimentName: experiment.name,
      name: "baseline",
      status: "RUNNING",
      startTime,
      endTime: null,
      userName: user.name,
      gitCommit: "0123abcd",
      datasetRef: "s3://data/train@v3",
      tags: { team: "search" },
      params: {},
      metrics: {},
      artifacts: [],
      versions: [],
      metricSeries: [],
    });
    expect(await db().auditLog.count({ where: { entityId: run.id, action: "run.create" } })).toBe(1);
  });

  it("generates a readable name when none is given", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const experiment = await givenExperiment(ctx);
    expect((await givenRun(ctx, experiment.id)).name).toMatch(/^[a-z]+-[a-z]+-\d{3}$/);
  });

  it("creates the experiment by name when it does not exist, and reuses it after", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const name = uniqueName("by-name");
    const first = await createRun(ctx, { experimentName: name });
    const second = await createRun(ctx, { experimentName: name });
    expect(second.experimentId).toBe(first.experimentId);
    expect(first.experimentName).toBe(name);
    expect(await db().auditLog.count({ where: { entityId: first.experimentId, action: "experiment.create" } })).toBe(1);
  });

  it("creates one experiment when two runs race to create it by name", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const name = uniqueName("race");
    const runs = await Promise.all(Array.from({ length: 4 }, () => createRun(ctx, { experimentName: name })));
    expect(new Set(runs.map((r) => r.experimentId)).size).toBe(1);
    expect(await db().experiment.count({ where: { name } })).toBe(1);
  });

  it("needs exactly one of experimentId or experimentName and a known experiment", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const before = await tableCounts();
    await expect(createRun(ctx, {})).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("exactly one of experimentId or experimentName"),
    });
    await expect(createRun(ctx, { experimentId: "x", experimentName: "y" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(createRun(ctx, { experimentId: "missing" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Experiment not found",
    });
    expect(await tableCounts()).toEqual(before);
  });

  it("finishes a run once; the second finish is a conflict", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const run = await givenRun(ctx, (await givenExperiment(ctx)).id);
    const endTime = new Date(run.startTime.getTime() + 60_000);
    const finished = await finishRun(ctx, run.id, { status: "FAILED", endTime });
    expect(finished).toMatchObject({ status: "FAILED", endTime });
    const before = await tableCounts();
    await expect(finishRun(ctx, run.id, { status: "FINISHED" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Run ${run.id} has already ended with status FAILED`,
    });
    expect(await tableCounts()).toEqual(before);
    expect((await getRun(ctx, run.id)).status).toBe("FAILED");
    const audits = await db().auditLog.findMany({ where: { entityId: run.id }, orderBy: { id: "asc" } });
    expect(audits.map((a) => a.action)).toEqual(["run.create", "run.finish"]);
  });

  it("refuses an end time before the start and an unknown run", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const run = await givenRun(ctx, (await givenExperiment(ctx)).id);
    await expect(
      finishRun(ctx, run.id, { status: "FINISHED", endTime: new Date(run.startTime.getTime() - 1000) }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("is before the run started"),
    });
    expect((await getRun(ctx, run.id)).status).toBe("RUNNING");
    await expect(finishRun(ctx, "missing", { status: "KILLED" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Run not found",
    });
    await expect(getRun(ctx, "missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows model versions registered from the run", async () => {
    const { ctx, team } = await givenUser("DATA_SCIENTIST");
    const run = await givenRun(ctx, (await givenExperiment(ctx)).id);
    const model = await db().registeredModel.create({
      data: {
        name: uniqueName("model"),
        teamId: team.id,
        taskType: "CLASSIFICATION",
        createdById: ctx.actor.userId,
        latestVersion: 1,
      },
    });
    await db().modelVersion.create({
      data: { modelId: model.id, version: 1, sourceRunId: run.id, format: "ONNX", createdById: ctx.actor.userId },
    });
    expect((await getRun(ctx, run.id)).versions).toEqual([
      expect.objectContaining({ modelName: model.name, version: 1 }),
    ]);
  });
});
