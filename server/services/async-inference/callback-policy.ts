import { callbackSchema, type Callback } from "@/contracts/async-invocations";
import { badRequest } from "@/server/errors";

/** Whether `hostname` is one of `allowed` (exact), or below a `*.domain` entry. */
export function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return allowed.some((entry) => (entry.startsWith("*.") ? host.endsWith(entry.slice(1)) : host === entry));
}

/**
 * The webhook a request asks for: both headers or neither; the URL http(s), without credentials, on an allowed host
 * (so that no caller can make the worker call inside its own network).
 */
export function callbackOf(
  url: string | null | undefined,
  secret: string | null | undefined,
  allowedHosts: readonly string[],
): Callback | undefined {
  if (!url && !secret) return undefined;
  if (!url || !secret) throw badRequest("Send the callback URL and its signing secret together, or neither");
  const parsed = callbackSchema.safeParse({ url, secret });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`Callback ${String(issue?.path[0] ?? "")}: ${issue?.message ?? "invalid"}`);
  }
  const target = new URL(parsed.data.url);
  if (target.username || target.password) throw badRequest("The callback URL may not carry credentials");
  if (!hostAllowed(target.hostname, allowedHosts))
    throw badRequest(
      `Callbacks may go only to ${allowedHosts.join(", ") || "(no host: callbacks are turned off)"} (ASYNC_CALLBACK_ALLOWED_HOSTS)`,
    );
  return parsed.data;
}
