import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { aliasHistory } from "@/server/services/registry/alias-history";
import { getModel } from "@/server/services/registry/get-model";
import { listVersions } from "@/server/services/registry/list-versions";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { givenModel } from "@/tests/integration/registry/fixtures";

/** Versions written straight to the table: registering 120 through the service would take a minute. */
async function givenVersions(ctx: ServiceContext, modelId: string, numbers: number[]) {
  await db().modelVersion.createMany({
    data: numbers.map((version) => ({
      modelId,
      version,
      format: "ONNX" as const,
      metricsSnapshot: { auc: version / 1000 },
      createdById: ctx.actor.userId,
    })),
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function walk(ctx: ServiceContext, name: string, limit: number, between?: (page: number) => Promise<void>) {
  const seen: number[] = [];
  let cursor: number | null = null;
  for (let page = 0; page < 100; page++) {
    const result = await listVersions(ctx, name, { cursor, limit });
    seen.push(...result.items.map((v) => v.version));
    if (result.nextCursor === null) return seen;
    cursor = result.nextCursor;
    await between?.(page);
  }
  throw new Error("the walk did not end");
}

describe("a model's versions, paged", () => {
  it("carries the newest 50 and the count, and pages the rest newest first without skips or repeats", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    await givenVersions(ctx, model.id, range(1, 120));

    const detail = await getModel(ctx, model.name);
    expect(detail.versionCount).toBe(120);
    expect(detail.versions.map((v) => v.version)).toEqual(range(71, 120).reverse());
    expect(detail.keyMetrics).toEqual(["auc"]);

    // Versions registered while someone pages land above the cursor: the walk still sees 120..1 once each.
    let next = 121;
    const seen = await walk(ctx, model.name, 50, () => givenVersions(ctx, model.id, [next++, next++]));
    expect(seen).toEqual(range(1, 120).reverse());

    const last = await listVersions(ctx, model.name, { cursor: 3, limit: 50 });
    expect(last).toMatchObject({ nextCursor: null });
    expect(last.items.map((v) => v.version)).toEqual([2, 1]);
    expect(await listVersions(ctx, model.name, { cursor: 1 })).toEqual({ items: [], nextCursor: null });
  });

  it("answers an empty model with an empty page, and an unknown model with NOT_FOUND", async () => {
    const { ctx } = await givenUser("VIEWER");
    const model = await givenModel((await givenUser("DATA_SCIENTIST")).ctx);
    expect(await listVersions(ctx, model.name)).toEqual({ items: [], nextCursor: null });
    expect((await getModel(ctx, model.name)).versionCount).toBe(0);
    await expect(listVersions(ctx, "no-such-model")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each([
    ["a cursor of 0", { cursor: 0 }],
    ["a negative cursor", { cursor: -1 }],
    ["a fractional cursor", { cursor: 1.5 }],
    ["a cursor past int4", { cursor: 2 ** 31 }],
    ["a cursor in hex", { cursor: "0x10" }],
    ["a limit of 0", { limit: 0 }],
    ["a limit over 100", { limit: 101 }],
  ])("refuses %s", async (_label, input) => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    await expect(listVersions(ctx, model.name, input as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("pages over REST, with 400 for a bad cursor", async () => {
    const { secret: token, ctx } = await givenToken("VIEWER", ["read"]);
    const model = await givenModel((await givenUser("DATA_SCIENTIST")).ctx);
    await givenVersions(ctx, model.id, range(1, 5));
    const first = await callApi("GET", `/models/${model.name}/versions?limit=2`, { token });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ items: [{ version: 5 }, { version: 4 }], nextCursor: 4 });
    const second = await callApi("GET", `/models/${model.name}/versions?limit=2&cursor=4`, { token });
    expect(second.json).toMatchObject({ items: [{ version: 3 }, { version: 2 }], nextCursor: 2 });
    const bad = await callApi("GET", `/models/${model.name}/versions?cursor=abc`, { token });
    expect(bad.status).toBe(400);
    expect((await callApi("GET", `/models/${model.name}/versions`, {})).status).toBe(401);
  });
});

describe("a model's alias history, paged", () => {
  async function givenMoves(ctx: ServiceContext, count: number) {
    const model = await givenModel(ctx);
    await givenVersions(ctx, model.id, [1, 2]);
    const versions = await db().modelVersion.findMany({ where: { modelId: model.id }, orderBy: { version: "asc" } });
    const at = Date.parse("2026-01-01T00:00:00Z");
    // Moves two at a time share an instant: the id orders them.
    await db().aliasEvent.createMany({
      data: range(1, count).map((i) => ({
        modelId: model.id,
        alias: i % 3 === 0 ? "staging" : "champion",
        toVersionId: versions[i % 2]!.id,
        actorId: ctx.actor.userId,
        reason: `move ${i}`,
        createdAt: new Date(at + Math.floor(i / 2) * 1000),
      })),
    });
    return model;
  }

  it("walks every move once, newest first, all aliases or one", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenMoves(ctx, 11);
    const reasons: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof aliasHistory>> = await aliasHistory(ctx, model.name, { cursor, limit: 4 });
      expect(page.items.length).toBeLessThanOrEqual(4);
      reasons.push(...page.items.map((e) => e.reason));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(reasons).toEqual(
      range(1, 11)
        .reverse()
        .map((i) => `move ${i}`),
    );

    const staging = await aliasHistory(ctx, model.name, { alias: "staging", limit: 2 });
    expect(staging.items.map((e) => e.reason)).toEqual(["move 9", "move 6"]);
    const rest = await aliasHistory(ctx, model.name, { alias: "staging", cursor: staging.nextCursor, limit: 2 });
    expect(rest).toMatchObject({ items: [{ reason: "move 3" }], nextCursor: null });
  });

  it("refuses a well-formed cursor that is not an event of this list", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenMoves(ctx, 6);
    const other = await givenMoves(ctx, 2);
    const otherEvent = (await aliasHistory(ctx, other.name)).items[0]!.id;
    const stagingEvent = (await aliasHistory(ctx, model.name, { alias: "staging" })).items[0]!.id;
    for (const [cursor, alias] of [
      ["1", undefined],
      [otherEvent, undefined],
      [stagingEvent, "champion"],
    ] as const) {
      await expect(aliasHistory(ctx, model.name, { cursor, alias })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: expect.stringContaining("Not a cursor of this list"),
      });
    }
  });

  it.each([
    ["letters", "abc"],
    ["past int8", "9223372036854775808"],
    ["negative", "-1"],
    ["too long", "1".repeat(20)],
  ])("refuses a cursor that is %s", async (_label, cursor) => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenMoves(ctx, 2);
    await expect(aliasHistory(ctx, model.name, { cursor })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
