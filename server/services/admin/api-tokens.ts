import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "@/server/auth/actor";
import { can } from "@/server/auth/roles";
import { ROLE_LABELS } from "@/contracts/permissions";
import { AppError, forbidden, notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { createTokenInput, SCOPE_PERMISSION, TOKEN_SCOPES, type TokenScope } from "@/contracts/token-scopes";
import type { apiTokenListOutput, createdApiTokenOutput, tokenStatusSchema } from "@/server/services/admin/schemas";

const TOKEN_PREFIX = "mp_";

/** A token can never do more than its owner: refuse scopes whose permission the owner's role lacks. */
function assertScopesAllowed(actor: Actor, scopes: TokenScope[]) {
  const refused = scopes.filter((scope) => !can(actor.role, SCOPE_PERMISSION[scope]));
  if (refused.length === 0) return;
  const list = refused.map((s) => `"${s}"`).join(", ");
  throw forbidden(
    `Your role (${ROLE_LABELS[actor.role]}) cannot create tokens with the ${list} scope${refused.length > 1 ? "s" : ""}`,
  );
}

export type TokenStatus = z.infer<typeof tokenStatusSchema>;

export function tokenStatus(token: { expiresAt: Date; revokedAt: Date | null }, now = new Date()): TokenStatus {
  if (token.revokedAt) return "revoked";
  return token.expiresAt <= now ? "expired" : "active";
}

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Creates a token and returns its secret. The secret is never stored and cannot be shown again. */
export async function createApiToken(
  ctx: ServiceContext,
  input: z.infer<typeof createTokenInput>,
): Promise<z.infer<typeof createdApiTokenOutput>> {
  const secret = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const scopes = [...new Set(input.scopes)];
  assertScopesAllowed(ctx.actor, scopes);
  return ctx.db.$transaction(async (tx) => {
    const token = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: secret.slice(0, 10),
        tokenHash: hashToken(secret),
        scopes,
        userId: ctx.actor.userId,
        expiresAt: new Date(Date.now() + input.expiresInDays * 24 * 3600 * 1000),
      },
      select: { id: true, name: true, prefix: true, scopes: true, expiresAt: true, createdAt: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "token.create",
      entityType: "ApiToken",
      entityId: token.id,
      after: { name: token.name, scopes, expiresAt: token.expiresAt.toISOString() },
    });
    return { token, secret };
  });
}

export async function listApiTokens(ctx: ServiceContext): Promise<z.infer<typeof apiTokenListOutput>> {
  const tokens = await ctx.db.apiToken.findMany({
    where: { userId: ctx.actor.userId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      createdAt: true,
    },
  });
  const now = new Date();
  return tokens.map((token) => ({ ...token, status: tokenStatus(token, now) }));
}

export async function revokeApiToken(ctx: ServiceContext, tokenId: string): Promise<void> {
  return ctx.db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where: { id: tokenId, userId: ctx.actor.userId } });
    if (!token) throw notFound("Token");
    if (token.revokedAt) throw new AppError("CONFLICT", "Token is already revoked");
    const revoked = await tx.apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx.actor, {
      action: "token.revoke",
      entityType: "ApiToken",
      entityId: tokenId,
      before: { revokedAt: null },
      after: { revokedAt: revoked.revokedAt?.toISOString() ?? null },
    });
  });
}

export type TokenPrincipal = Actor & { tokenId: string; scopes: TokenScope[] };

/** Resolves a bearer secret to its owner; any problem is a 401 with a reason that leaks nothing. */
export async function authenticateApiToken(ctx: ReadContext, secret: string): Promise<TokenPrincipal> {
  const token = await ctx.db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    include: { user: { select: { id: true, role: true, teamId: true } } },
  });
  if (!token) throw new AppError("UNAUTHORIZED", "Invalid API token");
  if (token.revokedAt) throw new AppError("UNAUTHORIZED", "API token has been revoked");
  if (token.expiresAt <= new Date()) throw new AppError("UNAUTHORIZED", "API token has expired");
  await ctx.db.apiToken.update({ where: { id: token.id }, data: { lastUsedAt: new Date() } });
  return {
    userId: token.user.id,
    role: token.user.role,
    teamId: token.user.teamId,
    tokenId: token.id,
    scopes: token.scopes.filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s)),
  };
}
