import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hotFeatureKey } from "@/contracts/online-features";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { redisHotMirror } from "@/server/integrations/feature-store/hot-mirror";
import { actingAs } from "@/server/services/context";
import { mirrorIdentity, mirrorPendingFeatureValues } from "@/server/services/features/mirror";
import { writeFeatureValues } from "@/server/services/features/values";
import { MAX_ENTITIES_PER_WRITE } from "@/server/services/features/schemas";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { freePort } from "@/tests/integration/runtime/runtime-process";

/*
 * Feature groups and values through the REST API. Invariants: PostgreSQL holds every acknowledged write (all or
 * nothing) before Redis is touched; Redis never keeps an older version over a newer one; a write Redis missed is
 * mirrored later, never lost; only the owning team writes (or reads an entity's values); bad input writes nothing.
 */

let owner: Awaited<ReturnType<typeof givenToken>>;
let viewer: Awaited<ReturnType<typeof givenToken>>;
let stranger: Awaited<ReturnType<typeof givenToken>>;
let group: string;
const redis = new Redis(env().REDIS_URL);

const stored = (entityId: string) =>
  db().featureValue.findUnique({ where: { groupName_entityId: { groupName: group, entityId } } });
const hot = async (entityId: string) => {
  const text = await redis.get(hotFeatureKey(env().FEATURE_KEY_PREFIX, group, entityId));
  return text === null ? null : (JSON.parse(text) as { version: string; values: Record<string, number> });
};
const put = (token: string, entities: unknown) =>
  callApi("PUT", `/feature-groups/${group}/values`, { token, json: { entities } });

beforeAll(async () => {
  owner = await givenToken("DATA_SCIENTIST", ["features:write", "read"]);
  viewer = await givenToken("VIEWER", ["read"]);
  stranger = await givenToken("DATA_SCIENTIST", ["features:write", "read"], "Feature strangers");
  // The sync job's first run makes this file's Redis prefix the mirror of its database; until then writes stay pending.
  expect(await mirrorPendingFeatureValues(systemContextFromEnv())).toBe(0);
  expect(await redis.get(`${env().FEATURE_KEY_PREFIX}:_mirror`)).toBe((await mirrorIdentity({ db: db() })).database);
  group = `cards-${Date.now().toString(36)}`;
  const created = await callApi("POST", "/feature-groups", {
    token: owner.secret,
    json: {
      name: group,
      entityKey: "card_id",
      features: ["tx_count_1h", "merchant_risk"],
      description: "card activity",
    },
  });
  expect(created.status, created.text).toBe(201);
});

afterAll(() => {
  redis.disconnect();
});

describe("feature values over REST", () => {
  it("writes PostgreSQL and Redis, and the owning team reads an entity back", async () => {
    const written = await put(owner.secret, [
      { id: "card-1", values: { tx_count_1h: 2, merchant_risk: 0.4 } },
      { id: "card-2", values: { tx_count_1h: 0, merchant_risk: 0.1 } },
    ]);
    expect(written.status, written.text).toBe(200);
    expect(written.json).toEqual({ written: 2, hotPath: "mirrored" });
    const row = await stored("card-1");
    expect(row).toMatchObject({ values: { tx_count_1h: 2, merchant_risk: 0.4 }, hotSynced: true });
    expect(await hot("card-1")).toEqual({
      version: row!.version.toString(),
      values: { tx_count_1h: 2, merchant_risk: 0.4 },
    });

    const read = await callApi("GET", `/feature-groups/${group}/values/card-1`, { token: owner.secret });
    expect(read.json).toMatchObject({ entityId: "card-1", mirrored: true, values: { tx_count_1h: 2 } });
    const listed = await callApi("GET", "/feature-groups", { token: viewer.secret });
    expect(
      (listed.json.groups as Array<{ name: string; entities: number }>).find((g) => g.name === group),
    ).toMatchObject({ entities: 2, pendingMirror: 0 });
  });

  it("refuses another team's people, writing and reading nothing", async () => {
    const before = await stored("card-1");
    expect((await put(stranger.secret, [{ id: "card-1", values: { tx_count_1h: 9, merchant_risk: 9 } }])).status).toBe(
      403,
    );
    expect((await callApi("GET", `/feature-groups/${group}/values/card-1`, { token: stranger.secret })).status).toBe(
      403,
    );
    expect(await stored("card-1")).toEqual(before);
  });

  it("refuses bad input with a 400 and writes nothing", async () => {
    const count = () => db().featureValue.count({ where: { groupName: group } });
    const before = await count();
    const bad: unknown[] = [
      [{ id: "card-9", values: { tx_count_1h: 1 } }],
      [{ id: "card-9", values: { tx_count_1h: 1, merchant_risk: 0.2, salary: 3 } }],
      [{ id: "card-9", values: { tx_count_1h: "1", merchant_risk: 0.2 } }],
      [
        { id: "card-9", values: { tx_count_1h: 1, merchant_risk: 0.2 } },
        { id: "card-9", values: { tx_count_1h: 1, merchant_risk: 0.2 } },
      ],
      [],
      Array.from({ length: MAX_ENTITIES_PER_WRITE + 1 }, (_, i) => ({
        id: `x-${i}`,
        values: { tx_count_1h: 1, merchant_risk: 0 },
      })),
    ];
    for (const entities of bad) {
      const answer = await put(owner.secret, entities);
      expect(answer.status, answer.text).toBe(400);
    }
    expect(await count()).toBe(before);
    expect(
      (await callApi("PUT", "/feature-groups/no-such-group/values", { token: owner.secret, json: { entities: [] } }))
        .status,
    ).toBe(400);
  });

  it("keeps a write Redis missed in PostgreSQL, pending, and mirrors it when Redis answers again", async () => {
    const down = redisHotMirror(`redis://127.0.0.1:${await freePort()}`, env().FEATURE_KEY_PREFIX);
    const ctx = actingAs({ ...systemContextFromEnv(), featureMirror: down }, owner.actor);
    const answer = await writeFeatureValues(ctx, {
      group,
      entities: [{ id: "card-1", values: { tx_count_1h: 5, merchant_risk: 0.9 } }],
    });
    await down.close();
    expect(answer).toEqual({ written: 1, hotPath: "pending" });
    expect(await stored("card-1")).toMatchObject({ values: { tx_count_1h: 5 }, hotSynced: false });
    expect((await hot("card-1"))?.values.tx_count_1h).toBe(2);

    expect(await mirrorPendingFeatureValues(systemContextFromEnv())).toBeGreaterThanOrEqual(1);
    const row = await stored("card-1");
    expect(row?.hotSynced).toBe(true);
    expect(await hot("card-1")).toEqual({
      version: row!.version.toString(),
      values: { tx_count_1h: 5, merchant_risk: 0.9 },
    });
  });

  it("never lets an older version replace a newer one in Redis, whatever order two mirrors land in", async () => {
    const mirror = systemContextFromEnv().featureMirror!;
    const newer = {
      group,
      entityId: "card-2",
      version: 1_000_000_002n,
      values: { tx_count_1h: 7, merchant_risk: 0.7 },
    };
    const older = { ...newer, version: 1_000_000_001n, values: { tx_count_1h: 1, merchant_risk: 0.1 } };
    const { database, floor } = await mirrorIdentity(systemContextFromEnv());
    await mirror.write([newer], database, floor);
    expect(await mirror.write([older], database, floor)).toEqual({
      unclaimed: false,
      held: [],
      behind: [{ entry: older, redisVersion: newer.version }],
    });
    expect(await hot("card-2")).toEqual({ version: "1000000002", values: newer.values });

    // That version is one PostgreSQL never wrote (as after PostgreSQL was restored to a point in time): the next write
    // of card-2 replaces it, and Redis holds what PostgreSQL holds.
    const written = await put(owner.secret, [{ id: "card-2", values: { tx_count_1h: 3, merchant_risk: 0.3 } }]);
    expect(written.json).toEqual({ written: 1, hotPath: "mirrored" });
    const row = await stored("card-2");
    expect(row?.hotSynced).toBe(true);
    expect(await hot("card-2")).toEqual({
      version: row!.version.toString(),
      values: { tx_count_1h: 3, merchant_risk: 0.3 },
    });
  });

  it("leaves Redis holding what PostgreSQL holds when two writers write the same entities at once", async () => {
    const entities = (n: number) =>
      Array.from({ length: 200 }, (_, i) => ({ id: `race-${i}`, values: { tx_count_1h: n, merchant_risk: n / 10 } }));
    const answers = await Promise.all([put(owner.secret, entities(1)), put(owner.secret, entities(2))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const rows = await db().featureValue.findMany({ where: { groupName: group, entityId: { startsWith: "race-" } } });
    expect(rows).toHaveLength(200);
    for (const row of rows) {
      expect(row.hotSynced).toBe(true);
      expect(await hot(row.entityId)).toEqual({ version: row.version.toString(), values: row.values });
    }
  });

  it("mirrors everything again when Redis was restored from an older snapshot (its high water mark is behind)", async () => {
    const prefix = env().FEATURE_KEY_PREFIX;
    await redis.set(`${prefix}:_high_water`, "1");
    await redis.del(hotFeatureKey(prefix, group, "card-1"));
    // Writes do not hide it (they would raise the mark again): they stay pending until the sync job claims Redis.
    const written = await put(owner.secret, [{ id: "card-3", values: { tx_count_1h: 4, merchant_risk: 0.4 } }]);
    expect(written.json).toEqual({ written: 1, hotPath: "pending" });
    expect(await mirrorPendingFeatureValues(systemContextFromEnv())).toBeGreaterThanOrEqual(201);
    expect((await stored("card-3"))?.hotSynced).toBe(true);
    const row = await stored("card-1");
    expect(row?.hotSynced).toBe(true);
    expect(await hot("card-1")).toEqual({ version: row!.version.toString(), values: row!.values });
  });

  it("claims a Redis that mirrors another database: that database's values go, this one's are mirrored again", async () => {
    const prefix = env().FEATURE_KEY_PREFIX;
    await redis.set(`${prefix}:_mirror`, "another-database");
    const stale = { version: "999999999999", values: { tx_count_1h: 99, merchant_risk: 0.99 } };
    await redis.set(hotFeatureKey(prefix, group, "card-1"), JSON.stringify(stale));
    await redis.set(hotFeatureKey(prefix, "gone-group", "x"), JSON.stringify(stale));

    expect(await mirrorPendingFeatureValues(systemContextFromEnv())).toBeGreaterThanOrEqual(2);
    expect(await redis.get(`${prefix}:_mirror`)).not.toBe("another-database");
    expect(await redis.get(hotFeatureKey(prefix, "gone-group", "x"))).toBeNull();
    const row = await stored("card-1");
    expect(await hot("card-1")).toEqual({ version: row!.version.toString(), values: row!.values });
  });
});
