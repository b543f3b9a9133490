import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { auditFacets, listAuditLog } from "@/server/services/admin/audit-log";
import { setUserRole } from "@/server/services/admin/users";
import { recordAudit } from "@/server/services/audit/record-audit";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

type Given = Awaited<ReturnType<typeof givenUser>>;

let admin: Given;
let scientist: Given;
let model: { id: string; name: string };
let tokenId: string;

/** Writes audit rows in a known order: 30 token creations, a role change, a model creation via a token. */
beforeAll(async () => {
  admin = await givenUser("ADMIN");
  scientist = await givenUser("DATA_SCIENTIST");
  for (let i = 0; i < 30; i++) {
    await createApiToken(scientist.ctx, { name: `token ${i}`, scopes: ["read"], expiresInDays: 1 });
  }
  await setUserRole(admin.ctx, { userId: scientist.user.id, role: "REVIEWER" });
  const created = await createApiToken(admin.ctx, { name: "pipeline", scopes: ["models:write"], expiresInDays: 1 });
  tokenId = created.token.id;
  model = await db().registeredModel.create({
    data: {
      name: `fraud-${Date.now()}`,
      teamId: admin.team.id,
      taskType: "CLASSIFICATION",
      createdById: admin.user.id,
    },
  });
  await db().$transaction((tx) =>
    recordAudit(
      tx,
      { ...admin.actor, tokenId },
      {
        action: "model.create",
        entityType: "RegisteredModel",
        entityId: model.id,
        after: { name: model.name, taskType: "CLASSIFICATION" },
      },
    ),
  );
});

describe("listAuditLog", () => {
  it("lists newest first with the actor, the token used and the linked entity", async () => {
    const { rows } = await listAuditLog({ db: db() }, { pageSize: 3 });
    expect(rows.map((r) => r.action)).toEqual(["model.create", "token.create", "user.role.update"]);
    expect(rows[0]).toMatchObject({
      actor: { id: admin.user.id, name: admin.user.name },
      token: { id: tokenId, name: "pipeline" },
      entity: { kind: "model", name: model.name },
    });
    expect(rows[1]).toMatchObject({ entity: { kind: "token", name: "pipeline" } });
    expect(rows[2]).toMatchObject({
      token: null,
      entity: { kind: "user", name: scientist.user.name, email: scientist.user.email },
      before: { role: "DATA_SCIENTIST" },
      after: { role: "REVIEWER" },
    });
  });

  it("pages backwards and forwards with cursors", async () => {
    const filter = { action: "token.create", actorId: scientist.user.id, pageSize: 12 };
    const first = await listAuditLog({ db: db() }, filter);
    expect(first.rows.map((r) => r.after)).toEqual(
      Array.from({ length: 12 }, (_, i) => expect.objectContaining({ name: `token ${29 - i}` })),
    );
    expect(first.newerCursor).toBeNull();
    expect(first.olderCursor).not.toBeNull();

    const second = await listAuditLog({ db: db() }, { ...filter, before: first.olderCursor ?? undefined });
    const third = await listAuditLog({ db: db() }, { ...filter, before: second.olderCursor ?? undefined });
    expect(third.rows).toHaveLength(6);
    expect(third.olderCursor).toBeNull();
    const all = [...first.rows, ...second.rows, ...third.rows].map((r) => r.id);
    expect(new Set(all).size).toBe(30);

    const back = await listAuditLog({ db: db() }, { ...filter, after: third.newerCursor ?? undefined });
    expect(back.rows.map((r) => r.id)).toEqual(second.rows.map((r) => r.id));
    const backAgain = await listAuditLog({ db: db() }, { ...filter, after: back.newerCursor ?? undefined });
    expect(backAgain.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(backAgain.newerCursor).toBeNull();
  });

  it("filters by action, entity type, entity id and actor", async () => {
    const byType = await listAuditLog({ db: db() }, { entityType: "User" });
    expect(byType.rows.map((r) => r.entityId)).toEqual([scientist.user.id]);
    const byEntity = await listAuditLog({ db: db() }, { entityId: model.id });
    expect(byEntity.rows.map((r) => r.action)).toEqual(["model.create"]);
    const byActor = await listAuditLog({ db: db() }, { actorId: admin.user.id, pageSize: 100 });
    expect(byActor.rows.map((r) => r.action)).toEqual(["model.create", "token.create", "user.role.update"]);
    const none = await listAuditLog({ db: db() }, { action: "alias.set" });
    expect(none).toEqual({ rows: [], newerCursor: null, olderCursor: null });
  });

  it("filters by date range", async () => {
    const old = await db().auditLog.create({
      data: {
        action: "model.archive",
        entityType: "RegisteredModel",
        entityId: model.id,
        createdAt: new Date("2024-03-10T12:00:00Z"),
      },
    });
    const inMarch = await listAuditLog(
      { db: db() },
      { from: new Date("2024-03-01T00:00:00Z"), to: new Date("2024-04-01T00:00:00Z") },
    );
    expect(inMarch.rows.map((r) => r.id)).toEqual([old.id.toString()]);
    const afterMarch = await listAuditLog({ db: db() }, { from: new Date("2024-04-01T00:00:00Z"), pageSize: 200 });
    expect(afterMarch.rows.map((r) => r.id)).not.toContain(old.id.toString());
    await expect(
      listAuditLog({ db: db() }, { from: new Date("2024-04-01T00:00:00Z"), to: new Date("2024-03-01T00:00:00Z") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("resolves versions, aliases, experiments and runs for linking", async () => {
    const experiment = await db().experiment.create({ data: { name: `exp-${model.id}`, createdById: admin.user.id } });
    const run = await db().run.create({
      data: { experimentId: experiment.id, name: "nightly", userId: admin.user.id },
    });
    const version = await db().modelVersion.create({
      data: { modelId: model.id, version: 1, format: "ONNX", sourceRunId: run.id, createdById: admin.user.id },
    });
    const entities = [
      ["Experiment", experiment.id],
      ["Run", run.id],
      ["ModelVersion", version.id],
      ["ModelAlias", `${model.id}:production`],
      ["Run", "deleted-run"],
    ] as const;
    await db().$transaction(async (tx) => {
      for (const [entityType, entityId] of entities)
        await recordAudit(tx, admin.actor, { action: "test.link", entityType, entityId });
    });
    const { rows } = await listAuditLog({ db: db() }, { action: "test.link" });
    expect(rows.map((r) => r.entity)).toEqual([
      null,
      { kind: "alias", modelName: model.name, alias: "production" },
      { kind: "version", modelName: model.name, version: 1 },
      { kind: "run", id: run.id, name: "nightly", experimentId: experiment.id },
      { kind: "experiment", id: experiment.id, name: experiment.name },
    ]);
  });

  it("rejects malformed cursors", async () => {
    await expect(listAuditLog({ db: db() }, { before: "1; drop table" })).rejects.toThrow(/numeric/);
    await expect(listAuditLog({ db: db() }, { before: "5", after: "3" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("audit facets and access", () => {
  it("offers the actions, entity types and actors that occur", async () => {
    const facets = await auditFacets({ db: db() });
    expect(facets.actions).toEqual(expect.arrayContaining(["model.create", "token.create", "user.role.update"]));
    expect(facets.entityTypes).toEqual(expect.arrayContaining(["ApiToken", "RegisteredModel", "User"]));
    expect(facets.actors.map((a) => a.id).sort()).toEqual([admin.user.id, scientist.user.id].sort());
  });

  it("is readable by managers and admins only", async () => {
    const manager = await givenUser("MANAGER");
    const managerCaller = await trpcCallerFor(manager.user.id);
    expect((await managerCaller.admin.audit({ pageSize: 1 })).rows).toHaveLength(1);
    for (const role of ["VIEWER", "DATA_SCIENTIST", "REVIEWER"] as const) {
      const someone = await givenUser(role);
      const caller = await trpcCallerFor(someone.user.id);
      await expect(caller.admin.audit({})).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.admin.auditFacets()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});
