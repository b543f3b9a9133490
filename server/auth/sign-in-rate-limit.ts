import { z } from "zod";
import { createHash } from "node:crypto";
import { env } from "@/server/env";
import { clientKey } from "@/server/rate-limit/client-ip";
import { retryHeaders, tooManyRequests } from "@/server/rate-limit/http";
import { rateLimits, type RateLimitPolicy, type RateLimitState } from "@/server/rate-limit/limiter";

/**
 * Sign-in attempts are limited per client IP and per email (see server/rate-limit/limiter.ts for Redis outages, and
 * server/rate-limit/client-ip.ts for what "IP" means without TRUST_PROXY). An attempt is a NextAuth request that
 * starts or finishes a sign-in: POST /api/auth/signin/<provider>, and /api/auth/callback/<provider> (the development
 * sign-in's form POST, and the OIDC provider's redirect back). Every attempt counts, successful or not; the email is
 * known only for the development sign-in's form (OIDC callbacks count per IP only), and is kept in Redis hashed.
 */
function policies(): { ip: RateLimitPolicy; email: RateLimitPolicy } {
  const settings = env();
  const durationSeconds = settings.SIGN_IN_WINDOW_SECONDS;
  return {
    ip: { name: "sign-in-ip", points: settings.SIGN_IN_ATTEMPTS_PER_IP, durationSeconds },
    email: { name: "sign-in-email", points: settings.SIGN_IN_ATTEMPTS_PER_EMAIL, durationSeconds },
  };
}

/** Whether the NextAuth route `segments` (after /api/auth/) is a sign-in attempt. */
export function isSignInAttempt(method: string, segments: readonly string[]): boolean {
  const [action] = segments;
  return (action === "signin" && method === "POST") || action === "callback";
}

/** The email a development sign-in posts (as a form, or as JSON, which next-auth also reads), lower-cased. */
async function postedEmail(request: Request): Promise<string | undefined> {
  const type = request.headers.get("content-type") ?? "";
  if (request.method !== "POST") return undefined;
  const text = await request.clone().text();
  const email = type.includes("application/json") ? jsonEmail(text) : new URLSearchParams(text).get("email");
  return email?.trim().toLowerCase() || undefined;
}

function jsonEmail(text: string): string | undefined {
  const parsed = z.object({ email: z.string() }).safeParse(parseJsonOrNull(text));
  return parsed.success ? parsed.data.email : undefined;
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const emailKey = (email: string) => createHash("sha256").update(email).digest("hex");

/** The 429 answer; its `url` lets next-auth's client signIn() report `error: "TooManyAttempts"` (status 429). */
function refusal(request: Request, message: string, state: RateLimitState): Response {
  const error = tooManyRequests(message, state);
  return Response.json(
    {
      error: { code: error.code, message: error.message, details: error.details },
      url: new URL("/signin?error=TooManyAttempts", request.url).toString(),
    },
    { status: 429, headers: retryHeaders(error) },
  );
}

/** Counts a sign-in attempt; answers 429 (with Retry-After) when its IP or email is over the limit, else undefined. */
export async function limitSignInAttempt(request: Request, segments: readonly string[]): Promise<Response | undefined> {
  if (!isSignInAttempt(request.method, segments)) return undefined;
  const { ip, email } = policies();
  const client = clientKey(request.headers, env().TRUST_PROXY);
  const byIp = client ? await rateLimits().consume(ip, client) : null;
  if (byIp && !byIp.allowed) return refusal(request, "Too many sign-in attempts from this address", byIp);
  const address = await postedEmail(request);
  if (!address) return undefined;
  const byEmail = await rateLimits().consume(email, emailKey(address));
  return byEmail.allowed ? undefined : refusal(request, "Too many sign-in attempts for this email", byEmail);
}
