import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { ServiceContext } from "@/server/services/context";
import { aliasHistory, versionAt } from "@/server/services/registry/alias-history";
import { getModel } from "@/server/services/registry/get-model";
import { getVersion } from "@/server/services/registry/get-version";
import { listModels } from "@/server/services/registry/list-models";
import { registerVersion } from "@/server/services/registry/register-version";
import { removeAlias } from "@/server/services/registry/remove-alias";
import { setAlias } from "@/server/services/registry/set-alias";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel, givenOnnxRun, registryCounts, sleep } from "@/tests/integration/registry/fixtures";

async function givenModelWithVersions(ctx: ServiceContext, count: number) {
  const model = await givenModel(ctx);
  for (let i = 0; i < count; i++) {
    const { run } = await givenOnnxRun(ctx);
    await registerVersion(ctx, model.name, { runId: run.id, artifactPath: "model.onnx", format: "ONNX" });
  }
  return model;
}

describe("aliases", () => {
  it("sets and moves an alias, keeping both moves with actor and reason", async () => {
    const alice = await givenUser("DATA_SCIENTIST");
    const bob = await givenUser("ADMIN");
    const model = await givenModelWithVersions(alice.ctx, 2);

    const first = await setAlias(alice.ctx, model.name, "champion", { version: 1, reason: "Passed the golden set" });
    expect(first).toMatchObject({ alias: "champion", version: 1, event: { fromVersion: null, toVersion: 1 } });
    await setAlias(bob.ctx, model.name, "champion", { version: 2, reason: "  Better recall  " });

    const { items: history, nextCursor } = await aliasHistory(alice.ctx, model.name, { alias: "champion" });
    expect(nextCursor).toBeNull();
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({
      alias: "champion",
      fromVersion: 1,
      toVersion: 2,
      reason: "Better recall",
      actor: { id: bob.user.id, name: bob.user.name },
    });
    expect(history[1]).toMatchObject({
      fromVersion: null,
      toVersion: 1,
      reason: "Passed the golden set",
      actor: { id: alice.user.id },
    });

    const detail = await getModel(alice.ctx, model.name);
    expect(detail.aliases).toEqual([
      {
        alias: "champion",
        version: 2,
        updatedAt: expect.any(Date),
        updatedBy: { id: bob.user.id, name: bob.user.name },
      },
    ]);
    expect(detail.aliasHistory.map((e) => [e.fromVersion, e.toVersion, e.actor.id])).toEqual([
      [1, 2, bob.user.id],
      [null, 1, alice.user.id],
    ]);
    expect(detail.versions.find((v) => v.version === 2)?.aliases).toEqual(["champion"]);
    expect((await getVersion(alice.ctx, model.name, 1)).aliases).toEqual([]);
    expect((await listModels(alice.ctx, { search: model.name })).items[0]?.aliases).toEqual([
      { alias: "champion", version: 2 },
    ]);

    const audits = await db().auditLog.findMany({
      where: { action: "alias.set", entityId: `${model.id}:champion` },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => [a.actorId, a.before, a.after])).toEqual([
      [
        alice.user.id,
        { model: model.name, alias: "champion", version: null },
        { model: model.name, alias: "champion", version: 1, reason: "Passed the golden set" },
      ],
      [
        bob.user.id,
        { model: model.name, alias: "champion", version: 1 },
        { model: model.name, alias: "champion", version: 2, reason: "Better recall" },
      ],
    ]);
  });

  it("answers which version held an alias before, between and after moves, and after removal", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModelWithVersions(ctx, 3);
    const beforeAny = new Date();
    await sleep(15);
    const toV1 = await setAlias(ctx, model.name, "champion", { version: 1, reason: "launch" });
    await sleep(15);
    const betweenV1andV3 = new Date();
    await sleep(15);
    const toV3 = await setAlias(ctx, model.name, "champion", { version: 3, reason: "retrained" });
    await setAlias(ctx, model.name, "staging", { version: 2, reason: "other alias must not interfere" });
    await sleep(15);
    const afterV3 = new Date();
    await sleep(15);
    await removeAlias(ctx, model.name, "champion", { reason: "incident" });
    await sleep(15);
    const afterRemoval = new Date();

    const at = async (instant: Date) => (await versionAt(ctx, model.name, { alias: "champion", at: instant })).version;
    expect(await at(beforeAny)).toBeNull();
    expect(await at(toV1.event.createdAt)).toBe(1);
    expect(await at(betweenV1andV3)).toBe(1);
    expect(await at(toV3.event.createdAt)).toBe(3);
    expect(await at(afterV3)).toBe(3);
    expect(await at(afterRemoval)).toBeNull();
    expect(await versionAt(ctx, model.name, { alias: "staging", at: afterRemoval })).toMatchObject({
      version: 2,
      event: { reason: "other alias must not interfere" },
    });
    expect((await versionAt(ctx, model.name, { alias: "never-set", at: afterRemoval })).version).toBeNull();

    const { items: history } = await aliasHistory(ctx, model.name);
    expect(history.map((e) => [e.alias, e.fromVersion, e.toVersion])).toEqual([
      ["champion", 3, null],
      ["staging", null, 2],
      ["champion", 1, 3],
      ["champion", null, 1],
    ]);
  });

  it("refuses an unknown version with 404 and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModelWithVersions(ctx, 1);
    const before = await registryCounts();
    await expect(setAlias(ctx, model.name, "champion", { version: 9, reason: "typo" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: `Version 9 of model "${model.name}" not found`,
    });
    await expect(setAlias(ctx, "no-such-model", "champion", { version: 1, reason: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await registryCounts()).toEqual(before);
  });

  it.each(["Production", "1st", "latest", "has space", "a".repeat(41), ""])(
    "refuses the alias name %j with 400 and writes nothing",
    async (alias) => {
      const { ctx } = await givenUser("DATA_SCIENTIST");
      const model = await givenModelWithVersions(ctx, 1);
      const before = await registryCounts();
      await expect(setAlias(ctx, model.name, alias, { version: 1, reason: "ok" })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      expect(await registryCounts()).toEqual(before);
    },
  );

  it.each([
    ["missing", undefined],
    ["blank", "   "],
    ["too long", "x".repeat(501)],
  ])("refuses a %s reason with 400 and writes nothing", async (_label, reason) => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModelWithVersions(ctx, 1);
    const before = await registryCounts();
    await expect(setAlias(ctx, model.name, "champion", { version: 1, reason: reason as string })).rejects.toMatchObject(
      {
        code: "BAD_REQUEST",
      },
    );
    expect(await registryCounts()).toEqual(before);
  });

  it("refuses to move an alias to the version it already points at (409) and writes nothing", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModelWithVersions(ctx, 1);
    await setAlias(ctx, model.name, "champion", { version: 1, reason: "launch" });
    const before = await registryCounts();
    await expect(setAlias(ctx, model.name, "champion", { version: 1, reason: "again" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'Alias "champion" already points at version 1',
    });
    expect(await registryCounts()).toEqual(before);
  });

  it("removes an alias with an event and an audit row, and 404s for an alias that is not set", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModelWithVersions(ctx, 1);
    await setAlias(ctx, model.name, "canary", { version: 1, reason: "try" });
    const removed = await removeAlias(ctx, model.name, "canary", { reason: "done" });
    expect(removed).toMatchObject({ previousVersion: 1, event: { fromVersion: 1, toVersion: null, reason: "done" } });
    expect(await db().modelAlias.count({ where: { modelId: model.id } })).toBe(0);
    expect(await db().auditLog.count({ where: { action: "alias.remove", entityId: `${model.id}:canary` } })).toBe(1);

    const before = await registryCounts();
    await expect(removeAlias(ctx, model.name, "canary")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await registryCounts()).toEqual(before);
  });
});
