import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import {
  authenticateApiToken,
  createApiToken,
  hashToken,
  listApiTokens,
  revokeApiToken,
} from "@/server/services/admin/api-tokens";
import { givenUser } from "@/tests/integration/fixtures";

describe("API tokens", () => {
  it("stores only the hash and shows the secret once", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { token, secret } = await createApiToken(ctx, {
      name: "ci",
      scopes: ["read", "runs:write"],
      expiresInDays: 30,
    });
    const row = await db().apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row.tokenHash).toBe(hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await listApiTokens(ctx);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const principal = await authenticateApiToken({ db: db() }, secret);
    expect(principal.scopes).toEqual(["read", "runs:write"]);
    expect(principal.userId).toBe(ctx.actor.userId);
  });

  it("rejects unknown, revoked and expired tokens", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    await expect(authenticateApiToken({ db: db() }, "mp_nope")).rejects.toMatchObject({ code: "UNAUTHORIZED" });

    const revoked = await createApiToken(ctx, { name: "old", scopes: ["read"], expiresInDays: 1 });
    await revokeApiToken(ctx, revoked.token.id);
    await expect(authenticateApiToken({ db: db() }, revoked.secret)).rejects.toThrow(/revoked/);

    const expired = await createApiToken(ctx, { name: "expired", scopes: ["read"], expiresInDays: 1 });
    await db().apiToken.update({ where: { id: expired.token.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(authenticateApiToken({ db: db() }, expired.secret)).rejects.toThrow(/expired/);
  });

  it("audits creation and revocation, and refuses to revoke someone else's token", async () => {
    const owner = await givenUser("DATA_SCIENTIST");
    const other = await givenUser("DATA_SCIENTIST");
    const { token } = await createApiToken(owner.ctx, { name: "mine", scopes: ["read"], expiresInDays: 7 });
    await expect(revokeApiToken(other.ctx, token.id)).rejects.toBeInstanceOf(AppError);
    expect((await db().apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();
    await revokeApiToken(owner.ctx, token.id);
    const actions = await db().auditLog.findMany({ where: { entityId: token.id }, orderBy: { id: "asc" } });
    expect(actions.map((a) => a.action)).toEqual(["token.create", "token.revoke"]);
  });
});
