import { z } from "zod";
import { Prisma } from "@/server/db/generated/client";
import type { Role } from "@/server/db/generated/enums";
import { AppError, forbidden, notFound } from "@/server/errors";
import { endUserSessionsIn } from "@/server/services/admin/sessions";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import {
  listUsersInput,
  setUserRoleInput,
  setUserTeamInput,
  type teamListOutput,
  type userListOutput,
  type userRoleChangeOutput,
  type userTeamChangeOutput,
} from "@/server/services/admin/schemas";

const userSelect = {
  id: true,
  name: true,
  email: true,
  role: true,
  isDemo: true,
  createdAt: true,
  team: { select: { id: true, name: true } },
} as const satisfies Prisma.UserSelect;

export async function listUsers(
  ctx: ReadContext,
  input: z.input<typeof listUsersInput>,
): Promise<z.infer<typeof userListOutput>> {
  const { search, role, teamId, page, pageSize } = parseInput(listUsersInput, input);
  const where: Prisma.UserWhereInput = {
    role,
    teamId,
    ...(search
      ? {
          OR: [
            { name: { contains: search, mode: "insensitive" } },
            { email: { contains: search, mode: "insensitive" } },
            { team: { name: { contains: search, mode: "insensitive" } } },
          ],
        }
      : {}),
  };
  const [total, users] = await Promise.all([
    ctx.db.user.count({ where }),
    ctx.db.user.findMany({
      where,
      select: userSelect,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
  ]);
  return { users, total, page, pageSize };
}

export async function listTeams(ctx: ReadContext): Promise<z.infer<typeof teamListOutput>> {
  return ctx.db.team.findMany({
    select: { id: true, name: true, isDemo: true, _count: { select: { users: true } } },
    orderBy: { name: "asc" },
  });
}

/**
 * Locks every admin row for the rest of the transaction, so two admins demoting each other at the
 * same moment are serialised and the second one sees the first one's change.
 */
async function lockAdminIds(tx: Prisma.TransactionClient): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>(
    Prisma.sql`SELECT id FROM "User" WHERE role = 'ADMIN'::"Role" ORDER BY id FOR UPDATE`,
  );
  return rows.map((r) => r.id);
}

/** Reads a user and locks the row, so the audited "before" is exactly what the change replaced. */
async function lockUser(tx: Prisma.TransactionClient, userId: string) {
  const rows = await tx.$queryRaw<{ id: string; name: string; role: Role; teamId: string | null }[]>(
    Prisma.sql`SELECT id, name, role, "teamId" FROM "User" WHERE id = ${userId} FOR UPDATE`,
  );
  const user = rows[0];
  if (!user) throw notFound("User");
  return user;
}

/** Changes a person's role. Refuses to change your own role and to leave the portal without an admin. */
export async function setUserRole(
  ctx: ServiceContext,
  input: z.input<typeof setUserRoleInput>,
): Promise<z.infer<typeof userRoleChangeOutput>> {
  const { userId, role } = parseInput(setUserRoleInput, input);
  return ctx.db.$transaction(async (tx) => {
    const adminIds = await lockAdminIds(tx);
    if (!adminIds.includes(ctx.actor.userId)) {
      throw forbidden("Only an admin may change roles, and your role is no longer admin");
    }
    const target = await lockUser(tx, userId);
    if (target.role === role) return { id: target.id, role: target.role, changed: false };
    if (target.role === "ADMIN" && adminIds.length === 1) {
      throw new AppError("CONFLICT", `${target.name} is the last admin; make someone else an admin first`);
    }
    if (target.id === ctx.actor.userId) {
      throw forbidden("You cannot change your own role; ask another admin to do it");
    }
    await tx.user.update({ where: { id: userId }, data: { role } });
    const endedSessions = await endUserSessionsIn(tx, userId, "role changed", ctx.clock());
    await recordAudit(tx, ctx.actor, {
      action: "user.role.update",
      entityType: "User",
      entityId: userId,
      before: { role: target.role },
      after: { role, endedSessions },
    });
    return { id: target.id, role, changed: true };
  });
}

/** Moves a person to another team, or to no team (teamId null). */
export async function setUserTeam(
  ctx: ServiceContext,
  input: z.input<typeof setUserTeamInput>,
): Promise<z.infer<typeof userTeamChangeOutput>> {
  const { userId, teamId } = parseInput(setUserTeamInput, input);
  return ctx.db.$transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    const team = teamId ? await tx.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } }) : null;
    if (teamId && !team) throw notFound("Team");
    if (target.teamId === teamId) return { id: target.id, teamId, changed: false };
    const previousTeam = target.teamId
      ? await tx.team.findUnique({ where: { id: target.teamId }, select: { name: true } })
      : null;
    await tx.user.update({ where: { id: userId }, data: { teamId } });
    await recordAudit(tx, ctx.actor, {
      action: "user.team.update",
      entityType: "User",
      entityId: userId,
      before: { teamId: target.teamId, team: previousTeam?.name ?? null },
      after: { teamId, team: team?.name ?? null },
    });
    return { id: target.id, teamId, changed: true };
  });
}
