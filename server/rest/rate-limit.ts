import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { clientKey } from "@/server/rate-limit/client-ip";
import { rateLimitHeaders, tooManyRequests } from "@/server/rate-limit/http";
import { rateLimits, type RateLimitPolicy } from "@/server/rate-limit/limiter";
import { findApiTokenPrincipal, markApiTokenUsed, type TokenPrincipal } from "@/server/services/admin/api-tokens";
import type { ReadContext } from "@/server/services/context";

/**
 * /api/v1's limits (see server/rate-limit/limiter.ts for Redis outages):
 * - per client IP, failed authentications (no, unknown, revoked or expired token): past REST_AUTH_FAILURES_PER_MINUTE
 *   in a window, that IP's requests are refused (429) before any token lookup, so tokens cannot be guessed at speed.
 *   Without TRUST_PROXY all clients share one bucket (server/rate-limit/client-ip.ts), so someone failing many times
 *   then also holds back valid tokens for the rest of the window: set TRUST_PROXY behind a proxy.
 * - per token, every authenticated request: the token's rateLimitPerMinute, else REST_RATE_LIMIT_PER_MINUTE. A refused
 *   request is answered before its handler runs and before the token's lastUsedAt is written: it changes nothing.
 */
function policies() {
  const settings = env();
  const window = settings.REST_RATE_LIMIT_WINDOW_SECONDS;
  return {
    failures: { name: "rest-auth-failures", points: settings.REST_AUTH_FAILURES_PER_MINUTE, durationSeconds: window },
    token: (perMinute: number | null): RateLimitPolicy => ({
      name: "rest-token",
      points: perMinute ?? settings.REST_RATE_LIMIT_PER_MINUTE,
      durationSeconds: window,
    }),
  };
}

const isAuthFailure = (error: unknown) => error instanceof AppError && error.code === "UNAUTHORIZED";

/** Authenticates a REST request's bearer token within the limits; the answer's X-RateLimit-* headers with it. */
export async function authenticateWithinLimits(
  ctx: ReadContext,
  request: Request,
  secretOf: (request: Request) => string,
): Promise<{ principal: TokenPrincipal; headers: Record<string, string> }> {
  const { failures, token } = policies();
  const client = clientKey(request.headers, env().TRUST_PROXY);
  const failed = client ? await rateLimits().peek(failures, client) : null;
  if (failed && !failed.allowed) throw tooManyRequests("Too many failed authentications from this client", failed);
  const principal = await Promise.resolve()
    .then(() => findApiTokenPrincipal(ctx, secretOf(request)))
    .catch(async (error: unknown) => {
      if (client && isAuthFailure(error)) await rateLimits().consume(failures, client);
      throw error;
    });
  const state = await rateLimits().consume(token(principal.rateLimitPerMinute), principal.tokenId);
  if (!state.allowed) throw tooManyRequests("This API token's rate limit is used up", state);
  await markApiTokenUsed(ctx, principal.tokenId);
  return { principal, headers: rateLimitHeaders(state) };
}

/** The response with the rate-limit headers added (copied, as a handler's own Response may have fixed headers). */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  const copy = new Response(response.body, response);
  for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
  return copy;
}
