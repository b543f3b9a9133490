import { describe, expect, it } from "vitest";
import { MODEL_SORTS, SORT_ORDERS } from "@/contracts/registry";
import { db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { createModel } from "@/server/services/registry/create-model";
import { listModels } from "@/server/services/registry/list-models";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { unique } from "@/tests/integration/registry/fixtures";

type Sort = (typeof MODEL_SORTS)[number];
type Order = (typeof SORT_ORDERS)[number];

/**
 * 23 models under one marker, with ties on every sort key but the name: three share an update time, and the latest
 * versions repeat 0…3 (written straight to the rows; registering versions through the service would take a while).
 */
async function givenModels(ctx: ServiceContext, marker: string) {
  const names: string[] = [];
  for (let i = 0; i < 23; i++) {
    const name = `${marker}-${String((i * 7) % 23).padStart(2, "0")}`;
    await createModel(ctx, { name, taskType: "OTHER" });
    names.push(name);
  }
  const shared = new Date(Date.UTC(2026, 0, 1, 12, 0, 0, 123));
  for (const [i, name] of names.entries()) {
    await db().registeredModel.update({
      where: { name },
      data: { latestVersion: i % 4, ...(i % 8 === 0 ? { updatedAt: shared } : {}) },
    });
  }
  return names;
}

/** Every page after the first by the previous page's cursor, calling `between` before each. */
async function walk(
  ctx: ServiceContext,
  input: { search: string; sort: Sort; order: Order },
  between: () => Promise<void>,
) {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const result = await listModels(ctx, { ...input, pageSize: 5, cursor });
    seen.push(...result.items.map((model) => model.name));
    if (result.nextCursor === null) return seen;
    cursor = result.nextCursor;
    await between();
  }
  throw new Error("the walk did not end");
}

describe("the model list, paged by cursor", () => {
  it("walks every model once, in order, by every sort while models are registered between pages", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const marker = unique("keyset");
    await givenModels(ctx, marker);
    let added = 0;
    for (const sort of MODEL_SORTS) {
      for (const order of SORT_ORDERS) {
        const input = { search: marker, sort, order };
        const before = (await listModels(ctx, { ...input, pageSize: 100 })).items.map((model) => model.name);
        const seen = await walk(ctx, input, async () => {
          await createModel(ctx, { name: `${marker}-new-${String(added++).padStart(3, "0")}`, taskType: "OTHER" });
        });
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.filter((name) => before.includes(name))).toEqual(before);
      }
    }
  });

  it("counts every match on each page, and ends with a null cursor", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const marker = unique("keyend");
    await givenModels(ctx, marker);
    const first = await listModels(ctx, { search: marker, sort: "name", order: "asc", pageSize: 20 });
    expect(first).toMatchObject({ total: 23, page: 1, nextCursor: expect.any(String) });
    const last = await listModels(ctx, {
      search: marker,
      sort: "name",
      order: "asc",
      pageSize: 20,
      cursor: first.nextCursor ?? "",
    });
    expect(last).toMatchObject({ total: 23, nextCursor: null });
    expect(last.items).toHaveLength(3);
    const exact = await listModels(ctx, { search: marker, sort: "name", order: "asc", pageSize: 23 });
    expect(exact.nextCursor).toBeNull();
  });

  it("refuses with 400 a cursor that is edited, made for another view, or sent with a page", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const marker = unique("keybad");
    await givenModels(ctx, marker);
    const input = { search: marker, sort: "updatedAt" as const, order: "desc" as const, pageSize: 5 };
    const cursor = (await listModels(ctx, input)).nextCursor ?? "";
    const decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    const edited = (change: Record<string, unknown>) =>
      Buffer.from(JSON.stringify({ ...decoded, ...change }), "utf8").toString("base64url");
    for (const bad of [
      { ...input, cursor: "not-a-cursor" },
      { ...input, cursor: edited({ key: "2026-13-40 25:00:00" }) },
      { ...input, cursor: edited({ key: '\'; DROP TABLE "RegisteredModel"; --' }) },
      { ...input, cursor: edited({ key: null }) },
      { ...input, cursor: edited({ name: "" }) },
      { ...input, cursor: edited({ extra: 1, name: 5 }) },
      { ...input, sort: "latestVersion" as const, cursor },
      { ...input, order: "asc" as const, cursor },
      { ...input, search: `${marker}-0`, cursor },
      { ...input, page: 2, cursor },
      { ...input, cursor: "x".repeat(1_001) },
    ]) {
      await expect(listModels(ctx, bad), JSON.stringify(bad).slice(0, 120)).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    // Keys PostgreSQL could not cast are refused before SQL: versions past int4, a year 0.
    const byVersion = { ...input, sort: "latestVersion" as const };
    const versionCursor = (await listModels(ctx, byVersion)).nextCursor ?? "";
    const versionDecoded = JSON.parse(Buffer.from(versionCursor, "base64url").toString("utf8")) as object;
    for (const key of ["2147483648", "99999999999", "-1", "1.5"]) {
      const forged = Buffer.from(JSON.stringify({ ...versionDecoded, key }), "utf8").toString("base64url");
      await expect(listModels(ctx, { ...byVersion, cursor: forged }), key).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    await expect(listModels(ctx, { ...input, cursor: edited({ key: "0000-01-01 00:00:00" }) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    // A page size change keeps the view: the cursor still serves.
    expect((await listModels(ctx, { ...input, pageSize: 7, cursor })).items).toHaveLength(7);
  });

  it("moves a model that gets a version mid-walk by update time, and none by name", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const marker = unique("keymove");
    const names = await givenModels(ctx, marker);
    const bump = async (name: string) => {
      await db().registeredModel.update({ where: { name }, data: { updatedAt: new Date(Date.UTC(2030, 0, 1)) } });
    };
    const byName = { search: marker, sort: "name" as const, order: "asc" as const };
    const expected = (await listModels(ctx, { ...byName, pageSize: 100 })).items.map((model) => model.name);
    let bumped = 0;
    expect(await walk(ctx, byName, () => bump(names[bumped++] ?? ""))).toEqual(expected);
    // Newest first: a model bumped ahead of the cursor is not seen again by this walk.
    const byUpdate = { search: marker, sort: "updatedAt" as const, order: "desc" as const };
    const first = await listModels(ctx, { ...byUpdate, pageSize: 5 });
    const later = (await listModels(ctx, { ...byUpdate, pageSize: 100 })).items.at(-1)?.name ?? "";
    await db().registeredModel.update({ where: { name: later }, data: { updatedAt: new Date(Date.UTC(2031, 0, 1)) } });
    const rest = await listModels(ctx, { ...byUpdate, pageSize: 100, cursor: first.nextCursor ?? "" });
    expect(rest.items.map((model) => model.name)).not.toContain(later);
    expect(rest.items).toHaveLength(17);
  });

  it("pages over REST, with 400 for a bad cursor and 401 without a token", async () => {
    const { secret: token } = await givenToken("VIEWER", ["read"]);
    const marker = unique("keyrest");
    await givenModels((await givenUser("DATA_SCIENTIST")).ctx, marker);
    const path = `/models?search=${marker}&sort=name&order=desc&pageSize=20`;
    const first = await callApi("GET", path, { token });
    expect(first.status).toBe(200);
    const body = first.json as { items: { name: string }[]; nextCursor: string };
    expect(body.items[0]?.name).toBe(`${marker}-22`);
    const second = await callApi("GET", `${path}&cursor=${body.nextCursor}`, { token });
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({
      items: [{ name: `${marker}-02` }, { name: `${marker}-01` }, { name: `${marker}-00` }],
      nextCursor: null,
    });
    expect((await callApi("GET", `${path}&cursor=abc`, { token })).status).toBe(400);
    expect((await callApi("GET", `${path}&cursor=${body.nextCursor}&page=3`, { token })).status).toBe(400);
    expect((await callApi("GET", `${path}&cursor=${body.nextCursor}`, {})).status).toBe(401);
  });
});
