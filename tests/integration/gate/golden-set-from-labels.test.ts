import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { sampleQueue } from "@/server/services/labels/sampling";
import { goldenSetHash } from "@/server/services/labels/golden-sets-hash";
import type { TokenScope } from "@/contracts/token-scopes";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { callApi } from "@/tests/integration/fixtures";
import { startApiServer } from "@/tests/integration/support/api-server";
import { runCliProcess } from "@/tests/integration/support/run-cli-process";
import {
  DAY,
  givenClassifier,
  givenQueue,
  insertPredictions,
  lateClock,
  uuidOf,
} from "@/tests/integration/labels/fixtures";
import { personWithCaller, trpcOutcome } from "@/tests/integration/support/trpc-caller";

const TEAM = "golden-from-labels";

const person = (role: Role, team = TEAM) => personWithCaller(role, team);

const code = trpcOutcome;

const signature = {
  inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

let world: Awaited<ReturnType<typeof setUp>>;

/** A classifier with a version, a queue (overlap 1) with five predictions sampled for real (AUDIT rate 1). */
async function setUp() {
  const ds = await person("DATA_SCIENTIST");
  const annotator = await person("REVIEWER");
  const reviewer = await person("REVIEWER");
  const outsider = await person("DATA_SCIENTIST", "golden-from-labels-other");
  const { model, endpoint } = await givenClassifier(ds.ctx, ds.team.id);
  await db().modelVersion.create({
    data: { modelId: model.id, version: 1, format: "ONNX", signature, createdById: ds.user.id },
  });
  const at = new Date(`${DAY}T05:00:00Z`);
  await insertPredictions(
    endpoint,
    Array.from({ length: 5 }, (_, i) => ({ id: uuidOf(`golden-labels-${i}`), score: 0.1 + i * 0.2, at })),
  );
  const queue = await givenQueue(ds.ctx, model.name, {
    sampling: { rates: { AUDIT: 1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
  });
  await sampleQueue({ db: db(), clock: lateClock }, queue.id);
  return { ds, annotator, reviewer, outsider, model, queue };
}

beforeAll(async () => {
  world = await setUp();
});

const filter = () => ({ modelName: world.model.name });

/** Labels `count` items (annotator) and accepts them (reviewer), as people do through the API. */
async function acceptItems(count: number, label: string) {
  const { items } = await world.annotator.caller.labels.nextItems({ queueId: world.queue.id, limit: count });
  for (const item of items) {
    await world.annotator.caller.labels.annotate({
      itemId: item.id,
      round: item.round,
      value: { kind: "classes", label },
    });
    await world.reviewer.caller.labels.review({ itemId: item.id, round: item.round, decision: "ACCEPT" });
  }
  return items;
}

describe("golden sets frozen from accepted labels", () => {
  it("refuses with 400 and writes nothing when no accepted label matches", async () => {
    const preview = await world.ds.caller.goldenSets.acceptedLabels(filter());
    expect(preview).toMatchObject({ total: 0, byStratum: [], queues: [{ id: world.queue.id }] });
    const before = await db().auditLog.count({ where: { action: "goldenSet.create" } });
    expect(await code(world.ds.caller.goldenSets.freezeFromLabels({ filter: filter(), name: "reviewed" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await db().goldenSet.count({ where: { modelId: world.model.id } })).toBe(0);
    expect(await db().auditLog.count({ where: { action: "goldenSet.create" } })).toBe(before);
  });

  it("freezes accepted labels with their provenance, hash-frozen and audited; other teams get 403", async () => {
    const accepted = await acceptItems(3, "fraud");
    expect(accepted).toHaveLength(3);
    expect(await world.ds.caller.goldenSets.acceptedLabels(filter())).toMatchObject({
      total: 3,
      byStratum: [{ stratum: "AUDIT", count: 3 }],
    });
    // A range that holds none of them is refused like an empty queue.
    expect(
      await code(
        world.ds.caller.goldenSets.freezeFromLabels({
          filter: { ...filter(), to: new Date("2000-01-01T00:00:00Z") },
          name: "reviewed",
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await code(world.outsider.caller.goldenSets.freezeFromLabels({ filter: filter(), name: "reviewed" }))).toBe(
      "FORBIDDEN",
    );
    expect(await db().goldenSet.count({ where: { modelId: world.model.id } })).toBe(0);

    const set = await world.ds.caller.goldenSets.freezeFromLabels({ filter: filter(), name: "reviewed" });
    expect(set).toMatchObject({ name: "reviewed", version: 1, rowCount: 3 });
    const stored = await db().goldenSet.findUniqueOrThrow({ where: { id: set.id } });
    expect(stored).toMatchObject({ source: "LABELS", sourceName: world.queue.name, featureNames: ["amount"] });
    const rows = await db().goldenSetRow.findMany({ where: { goldenSetId: set.id }, orderBy: { position: "asc" } });
    const items = await db().labelItem.findMany({ where: { id: { in: accepted.map((i) => i.id) } } });
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      const provenance = row.provenance as Record<string, unknown>;
      const item = items.find((i) => i.id === provenance.itemId)!;
      expect(row.expectedLabel).toBe("fraud");
      expect(row.features).toEqual(item.inputs);
      expect(provenance).toEqual({
        source: "labels",
        queueId: world.queue.id,
        itemId: item.id,
        predictionId: item.predictionId,
        versionId: item.versionId,
        stratum: "AUDIT",
        annotators: [world.annotator.user.id],
        reviewerId: world.reviewer.user.id,
        decision: "ACCEPT",
        round: 1,
        agreement: 1,
      });
    }
    const content = rows.map((r) => ({
      features: r.features as Record<string, number>,
      expectedLabel: r.expectedLabel,
      expectedValue: r.expectedValue,
      provenance: r.provenance as Record<string, unknown>,
    }));
    expect(goldenSetHash(stored.featureNames, content)).toBe(stored.contentHash);
    const audit = await db().auditLog.findMany({ where: { action: "goldenSet.create", entityId: set.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(world.ds.user.id);
    const listed = await world.ds.caller.goldenSets.list({ modelName: world.model.name });
    expect(listed[0]).toMatchObject({ id: set.id, source: "LABELS" });
  });

  it("gives two freezes at once distinct versions (or refuses one), never the same version twice", async () => {
    await acceptItems(1, "legit");
    const results = await Promise.allSettled([
      world.ds.caller.goldenSets.freezeFromLabels({ filter: filter(), name: "race" }),
      world.ds.caller.goldenSets.freezeFromLabels({ filter: filter(), name: "race" }),
    ]);
    const versions = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.version] : []));
    for (const r of results)
      if (r.status === "rejected") expect(r.reason instanceof TRPCError ? r.reason.code : r.reason).toBe("CONFLICT");
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expect(new Set(versions).size).toBe(versions.length);
    const stored = await db().goldenSet.findMany({ where: { modelId: world.model.id, name: "race" } });
    expect(stored.map((s) => s.version).sort()).toEqual([...versions].sort());
    expect(stored.every((s) => s.rowCount === 4)).toBe(true);
  });

  it("freezes over REST and the CLI with a models:write token; bad filters and other teams change nothing", async () => {
    const token = async (owner: typeof world.ds, scopes: TokenScope[]) =>
      (await createApiToken(owner.ctx, { name: "freeze", scopes, expiresInDays: 1 })).secret;
    const secret = await token(world.ds, ["read", "models:write"]);
    const path = `/models/${world.model.name}/golden-sets/from-labels`;
    const count = () => db().goldenSet.count({ where: { modelId: world.model.id } });
    const before = await count();
    const reversed = await callApi("POST", path, {
      token: secret,
      json: { name: "rest", filter: { from: "2026-12-03T00:00:00Z", to: "2026-12-01T00:00:00Z" } },
    });
    expect(reversed.status).toBe(400);
    const strange = await callApi("POST", path, {
      token: secret,
      json: { name: "rest", filter: { strata: ["NOPE"] } },
    });
    expect(strange.status).toBe(400);
    const readOnly = await callApi("POST", path, {
      token: await token(world.ds, ["read"]),
      json: { name: "rest" },
    });
    expect(readOnly.status).toBe(403);
    const outsider = await callApi("POST", path, {
      token: await token(world.outsider, ["read", "models:write"]),
      json: { name: "rest" },
    });
    expect(outsider.status).toBe(403);
    expect(await count()).toBe(before);

    const created = await callApi("POST", path, {
      token: secret,
      json: { name: "rest", filter: { strata: ["AUDIT"] } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ name: "rest", version: 1, rowCount: 4 });

    const server = await startApiServer();
    const env = { MODELPORT_CONFIG: "/nonexistent/modelport.json", MODELPORT_URL: server.url, MODELPORT_TOKEN: secret };
    const cli = await runCliProcess(
      ["golden-sets", "freeze", world.model.name, "--name", "rest", "--stratum", "audit"],
      env,
    );
    const usage = await runCliProcess(
      ["golden-sets", "freeze", world.model.name, "--name", "rest", "--from", "soon"],
      env,
    );
    await server.close();
    expect(cli).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^rest v2: 4 rows from accepted labels, sha256 /),
    });
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("--from is not a date or time: soon") });
    expect(await count()).toBe(before + 2);
  }, 60_000);

  it("refuses a queue of another model and a filter whose range is reversed", async () => {
    expect(
      await code(world.ds.caller.goldenSets.acceptedLabels({ ...filter(), queueId: "not-a-queue-of-this-model" })),
    ).toBe("NOT_FOUND");
    expect(
      await code(
        world.ds.caller.goldenSets.acceptedLabels({
          ...filter(),
          from: new Date("2026-12-03T00:00:00Z"),
          to: new Date("2026-12-01T00:00:00Z"),
        }),
      ),
    ).toBe("BAD_REQUEST");
  });
});
