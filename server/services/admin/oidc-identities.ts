import type { OidcRefusal } from "@/contracts/sign-in-errors";
import { Prisma } from "@/server/db/generated/client";
import type { Role } from "@/server/db/generated/enums";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { SystemContext } from "@/server/services/context";
import { actorOf } from "@/server/auth/actor";

/**
 * Who an identity provider vouched for at sign-in: `issuer` and `subject` from the validated ID token, the rest as
 * the provider states them. `emailVerified` is true only when the provider said so (see `isEmailVerified`).
 */
export type OidcIdentityClaims = {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
};

export type OidcResolution =
  | { ok: true; userId: string; outcome: "known" | "linked" | "created" }
  | { ok: false; reason: Exclude<OidcRefusal, "OidcProfileInvalid"> };

type IdentityContext = Pick<SystemContext, "db" | "clock">;
type Tx = Prisma.TransactionClient;
type KnownIdentity = { id: string; userId: string; email: string | null; user: { role: Role; teamId: string | null } };

/**
 * `email_verified` as identity providers send it: the boolean `true`, or the string "true" (AWS Cognito and some
 * older providers send claims as strings). Anything else — absent, false, "false", "yes" — is unverified.
 */
export function isEmailVerified(claim: unknown): boolean {
  return claim === true || claim === "true";
}

/**
 * The portal user an OIDC sign-in is, in one audited transaction:
 * 1. a known (issuer, subject) is its linked user, whatever email the provider now reports;
 * 2. otherwise the provider must vouch for the email (`email_verified`), or the sign-in is refused — also when no
 *    user has that email: an account created for an unverified address would squat it, and the real owner signing
 *    in later with a verified address would be linked to the squatter's account;
 * 3. a verified email of an existing user links to that user, unless the user already has a different identity at
 *    the same issuer (a recycled address at the provider must not inherit the old holder's account);
 * 4. a verified email nobody has creates a VIEWER with that identity.
 */
export async function resolveOidcIdentity(ctx: IdentityContext, claims: OidcIdentityClaims): Promise<OidcResolution> {
  const now = ctx.clock();
  return ctx.db.$transaction(async (tx) => {
    await lockKey(tx, `oidc-identity:${claims.issuer}\n${claims.subject}`);
    const known = await tx.userIdentity.findUnique({
      where: { issuer_subject: { issuer: claims.issuer, subject: claims.subject } },
      select: { id: true, userId: true, email: true, user: { select: { role: true, teamId: true } } },
    });
    if (known) return signInKnown(tx, known, claims, now);
    return linkOrCreate(tx, claims, now);
  });
}

/** Serialises concurrent sign-ins of one identity (or for one email) until the transaction ends. */
async function lockKey(tx: Tx, key: string) {
  await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

function normalisedEmail(email: string | null): string | null {
  const trimmed = email?.trim().toLowerCase();
  return trimmed ? trimmed : null;
}

async function signInKnown(
  tx: Tx,
  known: KnownIdentity,
  claims: OidcIdentityClaims,
  now: Date,
): Promise<OidcResolution> {
  const email = normalisedEmail(claims.email);
  await tx.userIdentity.update({ where: { id: known.id }, data: { lastLoginAt: now, email } });
  if (email !== known.email) {
    await recordAudit(
      tx,
      { userId: known.userId, role: known.user.role, teamId: known.user.teamId },
      {
        action: "user.identity.email",
        entityType: "User",
        entityId: known.userId,
        before: { issuer: claims.issuer, subject: claims.subject, email: known.email },
        after: { issuer: claims.issuer, subject: claims.subject, email },
      },
    );
  }
  return { ok: true, userId: known.userId, outcome: "known" };
}

async function linkOrCreate(tx: Tx, claims: OidcIdentityClaims, now: Date): Promise<OidcResolution> {
  const email = normalisedEmail(claims.email);
  if (!email) return { ok: false, reason: "OidcEmailMissing" };
  if (!claims.emailVerified) return { ok: false, reason: "OidcEmailUnverified" };
  await lockKey(tx, `user-email:${email}`);
  const user = await tx.user.findUnique({
    where: { email },
    select: {
      id: true,
      role: true,
      teamId: true,
      isDemo: true,
      identities: { where: { issuer: claims.issuer }, select: { id: true } },
    },
  });
  if (!user) return createUser(tx, { ...claims, email }, now);
  // Demo accounts (seeded, e.g. the demo admin) are for the development sign-in only: nobody takes them over by SSO.
  if (user.isDemo) return { ok: false, reason: "OidcDemoAccount" };
  if (user.identities.length > 0) return { ok: false, reason: "OidcIdentityConflict" };
  await addIdentity(tx, user.id, { ...claims, email }, now);
  await recordAudit(tx, actorOf(user), {
    action: "user.identity.link",
    entityType: "User",
    entityId: user.id,
    after: { issuer: claims.issuer, subject: claims.subject, email, matchedBy: "verified-email" },
  });
  return { ok: true, userId: user.id, outcome: "linked" };
}

async function createUser(tx: Tx, claims: OidcIdentityClaims & { email: string }, now: Date): Promise<OidcResolution> {
  const name = claims.name?.trim() || claims.email;
  const user = await tx.user.create({
    data: { email: claims.email, name },
    select: { id: true, role: true, teamId: true },
  });
  await addIdentity(tx, user.id, claims, now);
  await recordAudit(tx, actorOf(user), {
    action: "user.create",
    entityType: "User",
    entityId: user.id,
    after: { email: claims.email, name, role: user.role, via: "sso", issuer: claims.issuer, subject: claims.subject },
  });
  return { ok: true, userId: user.id, outcome: "created" };
}

async function addIdentity(tx: Tx, userId: string, claims: OidcIdentityClaims & { email: string }, now: Date) {
  await tx.userIdentity.create({
    data: {
      issuer: claims.issuer,
      subject: claims.subject,
      userId,
      email: claims.email,
      createdAt: now,
      lastLoginAt: now,
    },
  });
}
