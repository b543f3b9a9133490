import { z } from "zod";
import type { Permission } from "@/contracts/permissions";

// Kept free of server-only imports so the token form can show the same rules the service enforces.

export const TOKEN_SCOPES = [
  "read",
  "runs:write",
  "models:write",
  "feedback:write",
  "inference:invoke",
  "features:write",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The permission a token's owner needs before a token may carry each scope. */
export const SCOPE_PERMISSION: Record<TokenScope, Permission> = {
  read: "read",
  "runs:write": "experiments:write",
  "models:write": "models:write",
  "feedback:write": "feedback:write",
  "inference:invoke": "endpoints:invoke",
  "features:write": "features:write",
};

export const SCOPE_DESCRIPTIONS: Record<TokenScope, string> = {
  read: "Read experiments, runs, models, versions and artifacts.",
  "runs:write": "Create experiments and runs; log params and metrics; upload artifacts.",
  "models:write": "Register models and versions; move and remove aliases.",
  "feedback:write": "Send ground truth (outcomes) for an endpoint's predictions.",
  "inference:invoke": "Send asynchronous invocations to the team's endpoints and fetch their results.",
  "features:write": "Create the team's feature groups and write their values (online features).",
};

export const MAX_TOKEN_DAYS = 365;
export const MAX_TOKEN_NAME = 100;

/** The highest per-token REST limit anyone may set; above the deployment's default only admins may go. */
export const MAX_TOKEN_RATE_LIMIT_PER_MINUTE = 100_000;
/** REST_RATE_LIMIT_PER_MINUTE's default: requests per minute for a token without its own limit. */
export const DEFAULT_REST_RATE_LIMIT_PER_MINUTE = 600;

export const tokenRateLimitSchema = z
  .number()
  .int("A whole number of requests per minute")
  .min(1, "At least 1 request per minute")
  .max(MAX_TOKEN_RATE_LIMIT_PER_MINUTE, `At most ${MAX_TOKEN_RATE_LIMIT_PER_MINUTE} requests per minute`);

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(MAX_TOKEN_NAME),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Pick at least one scope"),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
  /** Requests per minute on /api/v1; absent or null = the deployment's default. */
  rateLimitPerMinute: tokenRateLimitSchema.nullish(),
});
