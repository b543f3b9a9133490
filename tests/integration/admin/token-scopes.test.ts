import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/services/admin/api-tokens";
import type { TokenScope } from "@/contracts/token-scopes";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

async function nothingWrittenFor(userId: string) {
  expect(await db().apiToken.count({ where: { userId } })).toBe(0);
  expect(await db().auditLog.count({ where: { actorId: userId } })).toBe(0);
}

describe("token scopes are limited by the owner's role", () => {
  it("lets a viewer create read tokens only", async () => {
    const viewer = await givenUser("VIEWER");
    for (const scopes of [
      ["runs:write"],
      ["read", "models:write"],
      ["read", "runs:write", "models:write"],
    ] as TokenScope[][]) {
      await expect(createApiToken(viewer.ctx, { name: "ci", scopes, expiresInDays: 30 })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringMatching(/Viewer.*cannot create tokens/),
      });
    }
    await nothingWrittenFor(viewer.user.id);

    const { token } = await createApiToken(viewer.ctx, { name: "dashboards", scopes: ["read"], expiresInDays: 30 });
    expect(token.scopes).toEqual(["read"]);
  });

  it("names every refused scope", async () => {
    const reviewer = await givenUser("REVIEWER");
    await expect(
      createApiToken(reviewer.ctx, { name: "x", scopes: ["read", "runs:write", "models:write"], expiresInDays: 1 }),
    ).rejects.toThrow('Your role (Reviewer) cannot create tokens with the "runs:write", "models:write" scopes');
    await nothingWrittenFor(reviewer.user.id);
  });

  it("lets data scientists and admins create write tokens", async () => {
    for (const role of ["DATA_SCIENTIST", "ADMIN"] as const) {
      const person = await givenUser(role);
      const { token } = await createApiToken(person.ctx, {
        name: "pipeline",
        scopes: ["read", "runs:write", "models:write"],
        expiresInDays: 90,
      });
      expect(token.scopes).toEqual(["read", "runs:write", "models:write"]);
    }
  });

  it("refuses through tRPC with FORBIDDEN and writes nothing", async () => {
    const manager = await givenUser("MANAGER");
    const caller = await trpcCallerFor(manager.user.id);
    await expect(
      caller.admin.tokens.create({ name: "ci", scopes: ["models:write"], expiresInDays: 7 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/"models:write" scope/) });
    await nothingWrittenFor(manager.user.id);
  });

  it("validates name and expiry before writing", async () => {
    const scientist = await givenUser("DATA_SCIENTIST");
    const caller = await trpcCallerFor(scientist.user.id);
    await expect(caller.admin.tokens.create({ name: " ", scopes: ["read"], expiresInDays: 7 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      caller.admin.tokens.create({ name: "ci", scopes: ["read"], expiresInDays: 366 }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller.admin.tokens.create({ name: "ci", scopes: [], expiresInDays: 7 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await nothingWrittenFor(scientist.user.id);
  });
});

describe("token list", () => {
  it("reports each token's status and only the caller's tokens", async () => {
    const owner = await givenUser("DATA_SCIENTIST");
    const other = await givenUser("DATA_SCIENTIST");
    await createApiToken(other.ctx, { name: "not mine", scopes: ["read"], expiresInDays: 1 });
    const active = await createApiToken(owner.ctx, { name: "active", scopes: ["read"], expiresInDays: 30 });
    const revoked = await createApiToken(owner.ctx, { name: "revoked", scopes: ["read"], expiresInDays: 30 });
    const expired = await createApiToken(owner.ctx, { name: "expired", scopes: ["read"], expiresInDays: 1 });
    await revokeApiToken(owner.ctx, revoked.token.id);
    await db().apiToken.update({ where: { id: expired.token.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });

    const caller = await trpcCallerFor(owner.user.id);
    const listed = await caller.admin.tokens.list();
    expect(Object.fromEntries(listed.map((t) => [t.name, t.status]))).toEqual({
      active: "active",
      revoked: "revoked",
      expired: "expired",
    });
    expect(listed.find((t) => t.id === active.token.id)?.prefix).toBe(active.secret.slice(0, 10));
    expect(await listApiTokens(other.ctx)).toHaveLength(1);
  });

  it("does not let anyone revoke another person's token through tRPC", async () => {
    const owner = await givenUser("DATA_SCIENTIST");
    const admin = await givenUser("ADMIN");
    const { token } = await createApiToken(owner.ctx, { name: "mine", scopes: ["read"], expiresInDays: 1 });
    const caller = await trpcCallerFor(admin.user.id);
    await expect(caller.admin.tokens.revoke({ tokenId: token.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
  });
});
