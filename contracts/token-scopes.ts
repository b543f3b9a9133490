import { z } from "zod";
import type { Permission } from "@/contracts/permissions";

// Kept free of server-only imports so the token form can show the same rules the service enforces.

export const TOKEN_SCOPES = ["read", "runs:write", "models:write"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The permission a token's owner needs before a token may carry each scope. */
export const SCOPE_PERMISSION: Record<TokenScope, Permission> = {
  read: "read",
  "runs:write": "experiments:write",
  "models:write": "models:write",
};

export const SCOPE_DESCRIPTIONS: Record<TokenScope, string> = {
  read: "Read experiments, runs, models, versions and artifacts.",
  "runs:write": "Create experiments and runs; log params and metrics; upload artifacts.",
  "models:write": "Register models and versions; move and remove aliases.",
};

export const MAX_TOKEN_DAYS = 365;
export const MAX_TOKEN_NAME = 100;

export const createTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name").max(MAX_TOKEN_NAME),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Pick at least one scope"),
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS),
});
