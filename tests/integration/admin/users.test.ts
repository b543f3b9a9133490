import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { listUsers, setUserRole, setUserTeam } from "@/server/services/admin/users";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

const auditRowsFor = (entityId: string) => db().auditLog.findMany({ where: { entityId }, orderBy: { id: "asc" } });

describe("setUserRole", () => {
  it("changes the role and audits it with before and after", async () => {
    const admin = await givenUser("ADMIN");
    const target = await givenUser("DATA_SCIENTIST");

    const result = await setUserRole(admin.ctx, { userId: target.user.id, role: "REVIEWER" });

    expect(result).toEqual({ id: target.user.id, role: "REVIEWER", changed: true });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.user.id } })).role).toBe("REVIEWER");
    const audit = await auditRowsFor(target.user.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "user.role.update",
      entityType: "User",
      actorId: admin.user.id,
      before: { role: "DATA_SCIENTIST" },
      after: { role: "REVIEWER" },
    });
  });

  it("writes nothing when the role does not change", async () => {
    const admin = await givenUser("ADMIN");
    const target = await givenUser("VIEWER");
    expect(await setUserRole(admin.ctx, { userId: target.user.id, role: "VIEWER" })).toMatchObject({ changed: false });
    expect(await auditRowsFor(target.user.id)).toEqual([]);
  });

  it("refuses to change your own role while other admins exist", async () => {
    const admin = await givenUser("ADMIN");
    await givenUser("ADMIN");

    await expect(setUserRole(admin.ctx, { userId: admin.user.id, role: "VIEWER" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/your own role/),
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.user.id } })).role).toBe("ADMIN");
    expect(await auditRowsFor(admin.user.id)).toEqual([]);
  });

  it("refuses to leave the portal without an admin", async () => {
    await db().user.updateMany({ where: { role: "ADMIN" }, data: { role: "MANAGER" } });
    const onlyAdmin = await givenUser("ADMIN");

    await expect(
      setUserRole(onlyAdmin.ctx, { userId: onlyAdmin.user.id, role: "DATA_SCIENTIST" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/last admin/),
    });
    expect(await db().user.count({ where: { role: "ADMIN" } })).toBe(1);
    expect(await auditRowsFor(onlyAdmin.user.id)).toEqual([]);
  });

  it("serialises two admins demoting each other so one admin always remains", async () => {
    const a = await givenUser("ADMIN");
    const b = await givenUser("ADMIN");

    const results = await Promise.allSettled([
      setUserRole(a.ctx, { userId: b.user.id, role: "VIEWER" }),
      setUserRole(b.ctx, { userId: a.user.id, role: "VIEWER" }),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect(rejected?.status === "rejected" && rejected.reason).toMatchObject({ code: "FORBIDDEN" });
    const roles = await db().user.findMany({ where: { id: { in: [a.user.id, b.user.id] } }, select: { role: true } });
    expect(roles.map((r) => r.role).sort()).toEqual(["ADMIN", "VIEWER"]);
  });

  it("rejects an unknown user or role without writing", async () => {
    const admin = await givenUser("ADMIN");
    const auditBefore = await db().auditLog.count();
    await expect(setUserRole(admin.ctx, { userId: "no-such-user", role: "VIEWER" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(setUserRole(admin.ctx, { userId: admin.user.id, role: "OWNER" as never })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/^Invalid input/),
    });
    expect(await db().auditLog.count()).toBe(auditBefore);
  });

  it("is FORBIDDEN through tRPC for anyone but an admin", async () => {
    const target = await givenUser("VIEWER");
    for (const role of ["VIEWER", "DATA_SCIENTIST", "REVIEWER", "MANAGER"] as const) {
      const someone = await givenUser(role);
      const caller = await trpcCallerFor(someone.user.id);
      await expect(caller.admin.setUserRole({ userId: target.user.id, role: "ADMIN" })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(caller.admin.users({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await db().user.findUniqueOrThrow({ where: { id: target.user.id } })).role).toBe("VIEWER");
    expect(await auditRowsFor(target.user.id)).toEqual([]);
  });

  it("maps the service's refusals to tRPC codes for an admin", async () => {
    const admin = await givenUser("ADMIN");
    await givenUser("ADMIN");
    const caller = await trpcCallerFor(admin.user.id);
    await expect(caller.admin.setUserRole({ userId: admin.user.id, role: "VIEWER" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/your own role/),
    });
    await expect(caller.admin.setUserRole({ userId: admin.user.id, role: "OWNER" as never })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("setUserTeam", () => {
  it("moves a person to another team and audits the change", async () => {
    const admin = await givenUser("ADMIN");
    const target = await givenUser("DATA_SCIENTIST", "Fraud");
    const growth = await db().team.create({ data: { name: `Growth ${target.user.id}` } });

    await setUserTeam(admin.ctx, { userId: target.user.id, teamId: growth.id });

    expect((await db().user.findUniqueOrThrow({ where: { id: target.user.id } })).teamId).toBe(growth.id);
    const [audit] = await auditRowsFor(target.user.id);
    expect(audit).toMatchObject({
      action: "user.team.update",
      before: { teamId: target.team.id, team: "Fraud" },
      after: { teamId: growth.id, team: growth.name },
    });
  });

  it("can remove a person from their team", async () => {
    const admin = await givenUser("ADMIN");
    const target = await givenUser("VIEWER");
    await setUserTeam(admin.ctx, { userId: target.user.id, teamId: null });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.user.id } })).teamId).toBeNull();
  });

  it("rejects an unknown team without writing", async () => {
    const admin = await givenUser("ADMIN");
    const target = await givenUser("VIEWER");
    await expect(setUserTeam(admin.ctx, { userId: target.user.id, teamId: "no-such-team" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Team not found",
    });
    expect((await db().user.findUniqueOrThrow({ where: { id: target.user.id } })).teamId).toBe(target.team.id);
    expect(await auditRowsFor(target.user.id)).toEqual([]);
  });
});

describe("listUsers", () => {
  it("searches name, email and team, and paginates", async () => {
    const team = `Search team ${Date.now()}`;
    const people = [];
    for (let i = 0; i < 3; i++) people.push(await givenUser("VIEWER", team));
    const admin = await givenUser("ADMIN");

    const byTeam = await listUsers(admin.ctx, { search: team.toUpperCase(), pageSize: 2 });
    expect(byTeam.total).toBe(3);
    expect(byTeam.users).toHaveLength(2);
    const second = await listUsers(admin.ctx, { search: team, pageSize: 2, page: 2 });
    expect(second.users).toHaveLength(1);
    expect(new Set([...byTeam.users, ...second.users].map((u) => u.id))).toEqual(new Set(people.map((p) => p.user.id)));

    const first = people[0]!.user;
    const byEmail = await listUsers(admin.ctx, { search: first.email });
    expect(byEmail.users.map((u) => u.id)).toEqual([first.id]);
    expect(byEmail.users[0]).toMatchObject({ team: { name: team }, role: "VIEWER", isDemo: false });
  });
});
