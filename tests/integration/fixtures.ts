import { type TokenScope } from "@/contracts/token-scopes";
import { randomBytes } from "node:crypto";
import type { Actor } from "@/server/auth/actor";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { systemContextFromEnv } from "@/server/context-from-env";
import { createApiToken } from "@/server/services/admin/api-tokens";
import { actingAs } from "@/server/services/context";

/** Creates a person with the given role in this file's database and a service context for them. */
export async function givenUser(role: Role, teamName = "Test team") {
  const suffix = randomBytes(4).toString("hex");
  const team = await db().team.upsert({ where: { name: teamName }, create: { name: teamName }, update: {} });
  const user = await db().user.create({
    data: { email: `${role.toLowerCase()}-${suffix}@example.test`, name: `${role} ${suffix}`, role, teamId: team.id },
  });
  const actor: Actor = { userId: user.id, role: user.role, teamId: user.teamId };
  const ctx = actingAs(systemContextFromEnv(), actor);
  return { user, team, actor, ctx };
}

/** A user plus an API token with the given scopes; returns the bearer secret. */
export async function givenToken(role: Role, scopes: TokenScope[], teamName?: string) {
  const given = await givenUser(role, teamName);
  const { secret } = await createApiToken(given.ctx, { name: "test", scopes, expiresInDays: 1 });
  return { ...given, secret };
}

/** Calls the /api/v1 route handler in-process, exactly as Next.js would. */
export async function callApi(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
) {
  const { handle } = await import("@/tests/integration/rest-handler");
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  }
  const response = await handle(
    new Request(`http://localhost/api/v1${path}`, { method, headers, body, duplex: "half" } as RequestInit),
  );
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    json: json as Record<string, unknown> & { error?: { code: string; message: string } },
    text,
    headers: response.headers,
  };
}
