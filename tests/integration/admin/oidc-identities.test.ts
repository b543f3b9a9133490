import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { isEmailVerified, resolveOidcIdentity, type OidcIdentityClaims } from "@/server/services/admin/oidc-identities";
import { givenUser } from "@/tests/integration/fixtures";

const ISSUER = "https://idp.example.test";
const T0 = new Date("2026-12-02T09:00:00Z");
const T1 = new Date("2026-12-02T17:00:00Z");

const at = (now: Date) => ({ db: db(), clock: () => now });

function claims(overrides: Partial<OidcIdentityClaims> = {}): OidcIdentityClaims {
  const suffix = randomBytes(4).toString("hex");
  return {
    issuer: ISSUER,
    subject: `sub-${suffix}`,
    email: `person-${suffix}@example.test`,
    emailVerified: true,
    name: `Person ${suffix}`,
    ...overrides,
  };
}

const identitiesOf = (userId: string) =>
  db().userIdentity.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
const auditOf = (userId: string) => db().auditLog.findMany({ where: { entityId: userId }, orderBy: { id: "asc" } });

describe("resolveOidcIdentity", () => {
  it("creates a viewer with the identity for a verified email nobody has, audited", async () => {
    const person = claims({ email: "New.Person@Example.TEST" });

    const result = await resolveOidcIdentity(at(T0), person);

    expect(result).toMatchObject({ ok: true, outcome: "created" });
    if (!result.ok) throw new Error("refused");
    const user = await db().user.findUniqueOrThrow({ where: { id: result.userId } });
    expect(user).toMatchObject({ email: "new.person@example.test", name: person.name, role: "VIEWER" });
    expect(await identitiesOf(user.id)).toMatchObject([
      { issuer: ISSUER, subject: person.subject, email: "new.person@example.test", createdAt: T0, lastLoginAt: T0 },
    ]);
    expect(await auditOf(user.id)).toMatchObject([
      {
        action: "user.create",
        entityType: "User",
        actorId: user.id,
        after: {
          email: "new.person@example.test",
          role: "VIEWER",
          via: "sso",
          issuer: ISSUER,
          subject: person.subject,
        },
      },
    ]);
  });

  it("signs a known identity in as its user even after the provider changed the email, updating lastLoginAt", async () => {
    const first = claims();
    const created = await resolveOidcIdentity(at(T0), first);
    if (!created.ok) throw new Error("refused");
    const someoneElse = await givenUser("DATA_SCIENTIST");

    const again = await resolveOidcIdentity(at(T1), {
      ...first,
      email: someoneElse.user.email,
      emailVerified: false,
    });

    expect(again).toEqual({ ok: true, userId: created.userId, outcome: "known" });
    expect(await identitiesOf(created.userId)).toMatchObject([
      { subject: first.subject, email: someoneElse.user.email, createdAt: T0, lastLoginAt: T1 },
    ]);
    expect(await identitiesOf(someoneElse.user.id)).toEqual([]);
    expect((await auditOf(created.userId)).map((row) => row.action)).toEqual(["user.create", "user.identity.email"]);
    expect(await db().user.count({ where: { email: first.email?.toLowerCase() } })).toBe(1);
  });

  it("writes no audit row for a known identity whose email did not change", async () => {
    const person = claims();
    const created = await resolveOidcIdentity(at(T0), person);
    if (!created.ok) throw new Error("refused");

    await resolveOidcIdentity(at(T1), person);

    expect((await auditOf(created.userId)).map((row) => row.action)).toEqual(["user.create"]);
  });

  it("links a verified email to the existing user, audited", async () => {
    const existing = await givenUser("REVIEWER");
    const person = claims({ email: existing.user.email.toUpperCase() });

    const result = await resolveOidcIdentity(at(T0), person);

    expect(result).toEqual({ ok: true, userId: existing.user.id, outcome: "linked" });
    expect(await identitiesOf(existing.user.id)).toMatchObject([{ issuer: ISSUER, subject: person.subject }]);
    expect(await db().user.findUniqueOrThrow({ where: { id: existing.user.id } })).toMatchObject({ role: "REVIEWER" });
    expect(await auditOf(existing.user.id)).toMatchObject([
      {
        action: "user.identity.link",
        actorId: existing.user.id,
        after: { issuer: ISSUER, subject: person.subject, matchedBy: "verified-email" },
      },
    ]);
  });

  it("refuses an unverified email that matches an existing user, changing nothing", async () => {
    const existing = await givenUser("ADMIN");

    const result = await resolveOidcIdentity(at(T0), claims({ email: existing.user.email, emailVerified: false }));

    expect(result).toEqual({ ok: false, reason: "OidcEmailUnverified" });
    expect(await identitiesOf(existing.user.id)).toEqual([]);
    expect(await auditOf(existing.user.id)).toEqual([]);
  });

  it("never links a demo account (the seeded demo admin), even with a verified email", async () => {
    const demo = await givenUser("ADMIN");
    await db().user.update({ where: { id: demo.user.id }, data: { isDemo: true } });

    const result = await resolveOidcIdentity(at(T0), claims({ email: demo.user.email }));

    expect(result).toEqual({ ok: false, reason: "OidcDemoAccount" });
    expect(await identitiesOf(demo.user.id)).toEqual([]);
    expect(await auditOf(demo.user.id)).toEqual([]);
  });

  it("refuses to create a user for an unverified email (it would squat the address)", async () => {
    const person = claims({ emailVerified: false });

    expect(await resolveOidcIdentity(at(T0), person)).toEqual({ ok: false, reason: "OidcEmailUnverified" });

    expect(await db().user.count({ where: { email: person.email ?? "" } })).toBe(0);
    expect(await db().userIdentity.count({ where: { subject: person.subject } })).toBe(0);
  });

  it("refuses a new identity without an email", async () => {
    expect(await resolveOidcIdentity(at(T0), claims({ email: "  " }))).toEqual({
      ok: false,
      reason: "OidcEmailMissing",
    });
  });

  it("refuses a verified email whose user already has another identity at the same issuer", async () => {
    const first = claims();
    const created = await resolveOidcIdentity(at(T0), first);
    if (!created.ok) throw new Error("refused");
    const recycled = claims({ email: first.email });

    expect(await resolveOidcIdentity(at(T1), recycled)).toEqual({ ok: false, reason: "OidcIdentityConflict" });
    expect(await identitiesOf(created.userId)).toHaveLength(1);
  });

  it("links a second issuer's identity with the verified email to the same user", async () => {
    const first = claims();
    const created = await resolveOidcIdentity(at(T0), first);
    if (!created.ok) throw new Error("refused");

    const other = await resolveOidcIdentity(
      at(T1),
      claims({ issuer: "https://other-idp.example.test", email: first.email }),
    );

    expect(other).toEqual({ ok: true, userId: created.userId, outcome: "linked" });
    expect(await identitiesOf(created.userId)).toHaveLength(2);
  });

  it("resolves concurrent first sign-ins of one identity to one user", async () => {
    const person = claims();

    const results = await Promise.all([resolveOidcIdentity(at(T0), person), resolveOidcIdentity(at(T0), person)]);

    expect(results.map((r) => r.ok && r.outcome).sort()).toEqual(["created", "known"]);
    expect(new Set(results.map((r) => r.ok && r.userId)).size).toBe(1);
    expect(await db().user.count({ where: { email: person.email ?? "" } })).toBe(1);
  });
});

describe("isEmailVerified", () => {
  it.each([
    [true, true],
    ["true", true],
    [false, false],
    ["false", false],
    ["TRUE", false],
    [1, false],
    [undefined, false],
    [null, false],
  ])("%j is verified: %s", (claim, verified) => {
    expect(isEmailVerified(claim)).toBe(verified);
  });
});
