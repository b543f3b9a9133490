import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { callApi, givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

describe("an admin's view of everyone's API tokens", () => {
  it("lists everyone's tokens with their owners, filtered by status and paged", async () => {
    const admin = await givenUser("ADMIN");
    const alice = await givenUser("DATA_SCIENTIST");
    const bob = await givenUser("VIEWER");
    for (const name of ["a1", "a2", "a3"])
      await createApiToken(alice.ctx, { name, scopes: ["read"], expiresInDays: 5 });
    const bobs = await createApiToken(bob.ctx, { name: "b1", scopes: ["read"], expiresInDays: 5 });
    const caller = await trpcCallerFor(admin.user.id);
    await caller.admin.tokens.revokeAny({ tokenId: bobs.token.id });

    const first = await caller.admin.tokens.all({ limit: 2 });
    expect(first.tokens).toHaveLength(2);
    const second = await caller.admin.tokens.all({ limit: 2, cursor: first.nextCursor ?? undefined });
    const all = [...first.tokens, ...second.tokens];
    expect(all.map((t) => t.name).sort()).toEqual(["a1", "a2", "a3", "b1"]);
    expect(second.nextCursor).toBeNull();
    expect(all.find((t) => t.name === "b1")).toMatchObject({ status: "revoked", owner: { id: bob.user.id } });
    expect(all[0]).not.toHaveProperty("tokenHash");

    const active = await caller.admin.tokens.all({ status: "active" });
    expect(active.tokens.map((t) => t.name).sort()).toEqual(["a1", "a2", "a3"]);
    const bobsOnly = await caller.admin.tokens.all({ userId: bob.user.id });
    expect(bobsOnly.tokens.map((t) => t.name)).toEqual(["b1"]);
  });

  it("revokes someone else's token: it stops working at once, and the revocation is audited", async () => {
    const admin = await givenUser("ADMIN");
    const owner = await givenUser("DATA_SCIENTIST");
    const { token, secret } = await createApiToken(owner.ctx, { name: "ci", scopes: ["read"], expiresInDays: 5 });
    expect((await callApi("GET", "/models", { token: secret })).status).toBe(200);

    const caller = await trpcCallerFor(admin.user.id);
    await caller.admin.tokens.revokeAny({ tokenId: token.id });
    expect((await callApi("GET", "/models", { token: secret })).status).toBe(401);
    await expect(caller.admin.tokens.revokeAny({ tokenId: token.id })).rejects.toThrow(/already revoked/);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "token.revoke", entityId: token.id } });
    expect(audit.actorId).toBe(admin.user.id);
    expect(audit.before).toMatchObject({ ownerId: owner.user.id });
  });

  it("is for admins only; others may still revoke only their own", async () => {
    const manager = await givenUser("MANAGER");
    const owner = await givenUser("DATA_SCIENTIST");
    const { token, secret } = await createApiToken(owner.ctx, { name: "ci", scopes: ["read"], expiresInDays: 5 });
    const caller = await trpcCallerFor(manager.user.id);
    await expect(caller.admin.tokens.all({})).rejects.toThrow(/may not/);
    await expect(caller.admin.tokens.revokeAny({ tokenId: token.id })).rejects.toThrow(/may not/);
    await expect(caller.admin.tokens.revoke({ tokenId: token.id })).rejects.toThrow(/not found/);
    expect((await callApi("GET", "/models", { token: secret })).status).toBe(200);
  });
});
