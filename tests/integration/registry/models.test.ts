import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createModel } from "@/server/services/registry/create-model";
import { getModel } from "@/server/services/registry/get-model";
import { listModelTags } from "@/server/services/registry/list-facets";
import { listModels } from "@/server/services/registry/list-models";
import { updateModel } from "@/server/services/registry/update-model";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel, registryCounts, unique } from "@/tests/integration/registry/fixtures";

describe("creating models", () => {
  it("creates a model in the actor's team with normalised tags and audits it", async () => {
    const { ctx, team } = await givenUser("DATA_SCIENTIST", "Fraud");
    const name = unique("fraud-detector");
    const model = await createModel(ctx, {
      name,
      taskType: "CLASSIFICATION",
      tags: ["Tabular", "fraud", "tabular ", "FRAUD"],
      description: "# Fraud\nScores card transactions.",
    });
    expect(model).toMatchObject({ name, team: "Fraud", taskType: "CLASSIFICATION", tags: ["tabular", "fraud"] });
    const row = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    expect(row.teamId).toBe(team.id);
    expect(row.latestVersion).toBe(0);
    const audit = await db().auditLog.findMany({ where: { entityId: model.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "model.create",
      entityType: "RegisteredModel",
      actorId: ctx.actor.userId,
    });
  });

  it("puts the model in another team when one is named", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST", "Search");
    await givenUser("DATA_SCIENTIST", "Ranking");
    const model = await createModel(ctx, { name: unique("ranker"), team: "Ranking", taskType: "RANKING" });
    expect(model.team).toBe("Ranking");
  });

  it("refuses a duplicate name with 409 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { name } = await givenModel(ctx);
    const before = await registryCounts();
    await expect(createModel(ctx, { name, taskType: "REGRESSION" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(name),
    });
    expect(await registryCounts()).toEqual(before);
  });

  it("refuses the loser of two simultaneous creations of one name", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const name = unique("race");
    const results = await Promise.allSettled([1, 2, 3].map(() => createModel(ctx, { name, taskType: "OTHER" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected"))
      expect(r.reason).toMatchObject({ code: "CONFLICT" });
    expect(
      await db().auditLog.count({ where: { action: "model.create", after: { path: ["name"], equals: name } } }),
    ).toBe(1);
  });

  it.each(["has space", "-leading-dash", "", "slash/inside", "x".repeat(129), "ümlaut"])(
    "refuses the invalid name %j with 400 and writes nothing",
    async (name) => {
      const { ctx } = await givenUser("DATA_SCIENTIST");
      const before = await registryCounts();
      await expect(createModel(ctx, { name, taskType: "OTHER" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
      expect(await registryCounts()).toEqual(before);
    },
  );

  it("refuses an unknown team with 404 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const before = await registryCounts();
    await expect(
      createModel(ctx, { name: unique("m"), team: "No such team", taskType: "OTHER" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("No such team"),
    });
    expect(await registryCounts()).toEqual(before);
  });

  it("refuses more than 20 distinct tags and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const before = await registryCounts();
    const tags = Array.from({ length: 21 }, (_, i) => `tag${i}`);
    await expect(createModel(ctx, { name: unique("m"), taskType: "OTHER", tags })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await registryCounts()).toEqual(before);
    const repeated = [...Array.from({ length: 20 }, (_, i) => `tag${i}`), "TAG0", "tag1"];
    const ok = await createModel(ctx, { name: unique("m"), taskType: "OTHER", tags: repeated });
    expect(ok.tags).toHaveLength(20);
  });
});

describe("updating models", () => {
  it("changes description and tags and audits before and after", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx, { tags: ["old"] });
    const updated = await updateModel(ctx, model.name, { description: "New *text*", tags: ["New", "new", "two"] });
    expect(updated).toMatchObject({ description: "New *text*", tags: ["new", "two"] });
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: model.id, action: "model.update" } });
    expect(audit.before).toEqual({ description: "", tags: ["old"] });
    expect(audit.after).toEqual({ description: "New *text*", tags: ["new", "two"] });
  });

  it("refuses an unknown model (404) and an empty change (400) without writing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    const before = await registryCounts();
    await expect(updateModel(ctx, "missing-model", { description: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateModel(ctx, model.name, {})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await registryCounts()).toEqual(before);
  });
});

describe("listing models", () => {
  it("searches, filters, sorts and paginates", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST", "Listing team");
    const marker = unique("lst");
    const names = ["alpha", "bravo", "charlie"].map((n) => `${marker}-${n}`);
    await createModel(ctx, { name: names[0]!, taskType: "CLASSIFICATION", tags: [marker, "shared"] });
    await createModel(ctx, { name: names[1]!, taskType: "REGRESSION", tags: [marker] });
    await createModel(ctx, { name: names[2]!, taskType: "CLASSIFICATION", description: `Mentions ${marker}-zulu` });

    const byName = await listModels(ctx, { search: marker, sort: "name", order: "asc" });
    expect(byName.items.map((m) => m.name)).toEqual(names);
    expect(byName.total).toBe(3);

    const fromDescription = await listModels(ctx, { search: `${marker}-ZULU` });
    expect(fromDescription.items.map((m) => m.name)).toEqual([names[2]]);

    const tagged = await listModels(ctx, { tag: marker, sort: "name", order: "desc" });
    expect(tagged.items.map((m) => m.name)).toEqual([names[1], names[0]]);

    const classifiers = await listModels(ctx, {
      search: marker,
      taskType: "CLASSIFICATION",
      team: "Listing team",
      sort: "name",
      order: "asc",
    });
    expect(classifiers.items.map((m) => m.name)).toEqual([names[0], names[2]]);
    expect(await listModels(ctx, { search: marker, team: "Another team" })).toMatchObject({ total: 0, items: [] });

    const page2 = await listModels(ctx, { search: marker, sort: "name", order: "asc", page: 2, pageSize: 2 });
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.items.map((m) => m.name)).toEqual([names[2]]);

    const newest = await listModels(ctx, { search: marker, sort: "createdAt", order: "desc" });
    expect(newest.items[0]?.name).toBe(names[2]);
    expect(newest.items[0]).toMatchObject({
      team: "Listing team",
      latestVersion: null,
      versionCount: 0,
      aliases: [],
      isDemo: false,
    });

    expect(newest.items[0]?.updatedAt).toBeInstanceOf(Date);

    const tags = await listModelTags(ctx);
    expect(tags).toContainEqual({ tag: marker, count: 2 });
  });

  it("treats % and _ in a search as literal characters", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const marker = unique("lit");
    await createModel(ctx, { name: `${marker}-a`, taskType: "OTHER", description: `${marker} 50%_off` });
    await createModel(ctx, { name: `${marker}-b`, taskType: "OTHER", description: `${marker} plain` });
    const found = await listModels(ctx, { search: "%_o" });
    expect(found.items.map((m) => m.name)).toEqual([`${marker}-a`]);
  });

  it("refuses an unknown sort with 400", async () => {
    const { ctx } = await givenUser("VIEWER");
    await expect(listModels(ctx, { sort: "password" as "name" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("reading a model", () => {
  it("returns the model and a 404 naming an unknown one", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx, { tags: ["a"] });
    const detail = await getModel(ctx, model.name);
    expect(detail).toMatchObject({
      name: model.name,
      tags: ["a"],
      versions: [],
      aliases: [],
      aliasHistory: [],
      keyMetrics: [],
    });
    await expect(getModel(ctx, "nope-model")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: 'Model "nope-model" not found',
    });
  });
});
