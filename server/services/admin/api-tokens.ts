import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Actor } from "@/server/auth/actor";
import { can } from "@/server/auth/roles";
import { ROLE_LABELS } from "@/contracts/permissions";
import { AppError, forbidden, notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import {
  createTokenInput,
  DEFAULT_REST_RATE_LIMIT_PER_MINUTE,
  SCOPE_PERMISSION,
  TOKEN_SCOPES,
  type TokenScope,
} from "@/contracts/token-scopes";
import type { Prisma } from "@/server/db/generated/client";
import { parseInput } from "@/server/services/parse-input";
import {
  type allTokensPageOutput,
  type apiTokenListOutput,
  type createdApiTokenOutput,
  listAllTokensInput,
  type tokenStatusSchema,
} from "@/server/services/admin/schemas";

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

/** Anyone may give a token a lower limit than the default; only admins (users:manage) a higher one. */
function assertRateLimitAllowed(ctx: ServiceContext, rateLimitPerMinute: number | null | undefined) {
  const ceiling = ctx.settings.restRateLimitPerMinute ?? DEFAULT_REST_RATE_LIMIT_PER_MINUTE;
  if (rateLimitPerMinute == null || rateLimitPerMinute <= ceiling || can(ctx.actor.role, "users:manage")) return;
  throw forbidden(`Only admins can give a token more than the default ${ceiling} requests per minute`);
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
  assertRateLimitAllowed(ctx, input.rateLimitPerMinute);
  const rateLimitPerMinute = input.rateLimitPerMinute ?? null;
  return ctx.db.$transaction(async (tx) => {
    const token = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: secret.slice(0, 10),
        tokenHash: hashToken(secret),
        scopes,
        userId: ctx.actor.userId,
        expiresAt: new Date(Date.now() + input.expiresInDays * 24 * 3600 * 1000),
        rateLimitPerMinute,
      },
      select: {
        id: true,
        name: true,
        prefix: true,
        scopes: true,
        expiresAt: true,
        createdAt: true,
        rateLimitPerMinute: true,
      },
    });
    await recordAudit(tx, ctx.actor, {
      action: "token.create",
      entityType: "ApiToken",
      entityId: token.id,
      after: { name: token.name, scopes, expiresAt: token.expiresAt.toISOString(), rateLimitPerMinute },
    });
    return { token, secret };
  });
}

/** What a token list shows: never the hash. */
const TOKEN_LIST_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  createdAt: true,
  rateLimitPerMinute: true,
} satisfies Prisma.ApiTokenSelect;

export async function listApiTokens(ctx: ServiceContext): Promise<z.infer<typeof apiTokenListOutput>> {
  const tokens = await ctx.db.apiToken.findMany({
    where: { userId: ctx.actor.userId },
    orderBy: { createdAt: "desc" },
    select: TOKEN_LIST_FIELDS,
  });
  const now = new Date();
  return tokens.map((token) => ({ ...token, status: tokenStatus(token, now) }));
}

/** Revokes one of the actor's own tokens. */
export async function revokeApiToken(ctx: ServiceContext, tokenId: string): Promise<void> {
  return revokeToken(ctx, { id: tokenId, userId: ctx.actor.userId });
}

/** An admin revokes anyone's token (a leaked secret, a person who left). */
export async function revokeAnyApiToken(ctx: ServiceContext, tokenId: string): Promise<void> {
  return revokeToken(ctx, { id: tokenId });
}

async function revokeToken(ctx: ServiceContext, where: Prisma.ApiTokenWhereInput): Promise<void> {
  return ctx.db.$transaction(async (tx) => {
    const token = await tx.apiToken.findFirst({ where });
    if (!token) throw notFound("Token");
    if (token.revokedAt) throw new AppError("CONFLICT", "Token is already revoked");
    const revoked = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, ctx.actor, {
      action: "token.revoke",
      entityType: "ApiToken",
      entityId: token.id,
      before: { revokedAt: null, ownerId: token.userId },
      after: { revokedAt: revoked.revokedAt?.toISOString() ?? null },
    });
  });
}

function statusWhere(status: TokenStatus | undefined, now: Date): Prisma.ApiTokenWhereInput {
  if (status === "revoked") return { revokedAt: { not: null } };
  if (status === "expired") return { revokedAt: null, expiresAt: { lte: now } };
  if (status === "active") return { revokedAt: null, expiresAt: { gt: now } };
  return {};
}

/** Everyone's tokens for admins, newest first, keyset-paged by id. */
export async function listAllApiTokens(
  ctx: ServiceContext,
  input: z.input<typeof listAllTokensInput>,
): Promise<z.infer<typeof allTokensPageOutput>> {
  const { userId, status, cursor, limit } = parseInput(listAllTokensInput, input);
  const now = ctx.clock();
  const rows = await ctx.db.apiToken.findMany({
    where: { ...(userId ? { userId } : {}), ...statusWhere(status, now) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: { ...TOKEN_LIST_FIELDS, user: { select: { id: true, name: true, email: true } } },
  });
  const page = rows.slice(0, limit);
  return {
    tokens: page.map(({ user, ...token }) => ({ ...token, owner: user, status: tokenStatus(token, now) })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export type TokenPrincipal = Actor & {
  tokenId: string;
  scopes: TokenScope[];
  /** The token's own REST limit (requests per minute); null = the default. */
  rateLimitPerMinute: number | null;
};

/** Resolves a bearer secret to its owner without writing anything; any problem is a 401 that leaks nothing. */
export async function findApiTokenPrincipal(ctx: ReadContext, secret: string): Promise<TokenPrincipal> {
  const token = await ctx.db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    include: { user: { select: { id: true, role: true, teamId: true } } },
  });
  if (!token) throw new AppError("UNAUTHORIZED", "Invalid API token");
  if (token.revokedAt) throw new AppError("UNAUTHORIZED", "API token has been revoked");
  if (token.expiresAt <= new Date()) throw new AppError("UNAUTHORIZED", "API token has expired");
  return {
    userId: token.user.id,
    role: token.user.role,
    teamId: token.user.teamId,
    tokenId: token.id,
    scopes: token.scopes.filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s)),
    rateLimitPerMinute: token.rateLimitPerMinute,
  };
}

export async function markApiTokenUsed(ctx: ReadContext, tokenId: string): Promise<void> {
  await ctx.db.apiToken.update({ where: { id: tokenId }, data: { lastUsedAt: new Date() } });
}

/** Resolves a bearer secret to its owner and records the use. */
export async function authenticateApiToken(ctx: ReadContext, secret: string): Promise<TokenPrincipal> {
  const principal = await findApiTokenPrincipal(ctx, secret);
  await markApiTokenUsed(ctx, principal.tokenId);
  return principal;
}
