import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { Prisma, Team, User } from "@/server/db/generated/client";
import type { Role } from "@/server/db/generated/enums";
import type { Db } from "@/server/db/client";
import { actorOf, type Actor } from "@/server/auth/actor";
import { notFound } from "@/server/errors";
import { parseInput } from "@/server/services/parse-input";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import {
  endUserSessionsInput,
  type sessionEndOutput,
  type userSessionListOutput,
  userSessionsInput,
} from "@/server/services/admin/schemas";

/** How long a session lives: `idleMs` without a request, and `absoluteMs` after sign-in at the latest. */
export type SessionPolicy = { idleMs: number; absoluteMs: number };

export type SessionEndReason = "sign-out" | "role changed" | "ended by an admin";

/** lastSeenAt is written at most this often per session, so a busy page does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

type SessionTimes = { lastSeenAt: Date; expiresAt: Date; revokedAt: Date | null };

export function sessionIsLive(session: SessionTimes, now: Date, policy: SessionPolicy): boolean {
  if (session.revokedAt) return false;
  if (session.expiresAt <= now) return false;
  return now.getTime() - session.lastSeenAt.getTime() < policy.idleMs;
}

/** A fresh session (a new random id) for every sign-in, so no id ever carries over from before it. */
export async function startSession(
  database: Db,
  input: { userId: string; provider: string; now: Date },
  policy: SessionPolicy,
): Promise<string> {
  const id = randomBytes(32).toString("base64url");
  await database.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({
      where: { id: input.userId },
      select: { id: true, role: true, teamId: true },
    });
    await tx.userSession.create({
      data: {
        id,
        userId: user.id,
        provider: input.provider,
        createdAt: input.now,
        lastSeenAt: input.now,
        expiresAt: new Date(input.now.getTime() + policy.absoluteMs),
      },
    });
    await recordAudit(tx, actorOf(user), {
      action: "session.start",
      entityType: "User",
      entityId: user.id,
      after: { provider: input.provider },
    });
  });
  return id;
}

async function endSessionRow(tx: Prisma.TransactionClient, id: string, reason: SessionEndReason, now: Date) {
  const ended = await tx.userSession.updateMany({
    where: { id, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return ended.count;
}

/** Sign-out: the session's cookie stops working at once, even if a copy of it is kept. */
export async function endSession(database: Db, id: string, now: Date): Promise<void> {
  await database.$transaction(async (tx) => {
    const session = await tx.userSession.findUnique({ where: { id }, include: { user: true } });
    if (!session || !(await endSessionRow(tx, id, "sign-out", now))) return;
    await recordAudit(tx, actorOf(session.user), {
      action: "session.end",
      entityType: "User",
      entityId: session.userId,
      after: { reason: "sign-out" },
    });
  });
}

/** Ends every live session of a person, inside the caller's transaction (a role change, an admin). */
export async function endUserSessionsIn(
  tx: Prisma.TransactionClient,
  userId: string,
  reason: SessionEndReason,
  now: Date,
): Promise<number> {
  const ended = await tx.userSession.updateMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now } },
    data: { revokedAt: now, revokedReason: reason },
  });
  return ended.count;
}

type SessionPersonRow = SessionTimes & {
  userId: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  isDemo: boolean;
  userCreatedAt: Date;
  teamName: string | null;
  teamIsDemo: boolean | null;
  teamCreatedAt: Date | null;
};

function personOf(row: SessionPersonRow): User & { team: Team | null } {
  const team =
    row.teamId !== null && row.teamName !== null && row.teamCreatedAt !== null
      ? { id: row.teamId, name: row.teamName, isDemo: row.teamIsDemo ?? false, createdAt: row.teamCreatedAt }
      : null;
  return {
    id: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    teamId: row.teamId,
    isDemo: row.isDemo,
    createdAt: row.userCreatedAt,
    team,
  };
}

/**
 * The signed-in person behind a session id, or null if the session ended, expired or idled out. Every request asks,
 * so the session, its person and their team come in one query.
 */
export async function resolveSession(database: Db, id: string, now: Date, policy: SessionPolicy) {
  const [row] = await database.$queryRaw<SessionPersonRow[]>`
    SELECT s."lastSeenAt", s."expiresAt", s."revokedAt",
           u."id" AS "userId", u."email", u."name", u."role"::text AS "role", u."teamId", u."isDemo",
           u."createdAt" AS "userCreatedAt",
           t."name" AS "teamName", t."isDemo" AS "teamIsDemo", t."createdAt" AS "teamCreatedAt"
    FROM "UserSession" s JOIN "User" u ON u."id" = s."userId" LEFT JOIN "Team" t ON t."id" = u."teamId"
    WHERE s."id" = ${id}`;
  if (!row || !sessionIsLive(row, now, policy)) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await database.userSession.updateMany({
      where: { id, revokedAt: null, lastSeenAt: { lt: new Date(now.getTime() - TOUCH_EVERY_MS) } },
      data: { lastSeenAt: now },
    });
  }
  return personOf(row);
}

/** A person's sessions, newest first, for the admin page: live ones and the recent ended ones. */
export async function listUserSessions(
  ctx: ReadContext & Pick<ServiceContext, "clock">,
  input: z.input<typeof userSessionsInput>,
  policy: SessionPolicy,
): Promise<z.infer<typeof userSessionListOutput>> {
  const { userId } = parseInput(userSessionsInput, input);
  const now = ctx.clock();
  const rows = await ctx.db.userSession.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
  return rows.map((row) => ({
    id: row.id.slice(0, 8),
    provider: row.provider,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    endedAt: row.revokedAt,
    endedReason: row.revokedReason,
    live: sessionIsLive(row, now, policy),
  }));
}

/** An admin signs a person out everywhere (e.g. a lost laptop); audited with the admin's reason. */
export async function endUserSessions(
  ctx: ServiceContext,
  input: z.input<typeof endUserSessionsInput>,
): Promise<z.infer<typeof sessionEndOutput>> {
  const { userId, reason } = parseInput(endUserSessionsInput, input);
  return ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!user) throw notFound("User");
    const ended = await endUserSessionsIn(tx, userId, "ended by an admin", ctx.clock());
    await recordAudit(tx, ctx.actor satisfies Actor, {
      action: "user.sessions.end",
      entityType: "User",
      entityId: userId,
      after: { ended, reason },
    });
    return { ended };
  });
}
