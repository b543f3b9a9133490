import { env } from "@/server/env";
import type { SessionPolicy } from "@/server/services/admin/sessions";

export function sessionPolicy(): SessionPolicy {
  const settings = env();
  return { idleMs: settings.SESSION_IDLE_MINUTES * 60_000, absoluteMs: settings.SESSION_MAX_HOURS * 3_600_000 };
}

/** Session cookies are Secure when the portal's URL is https, or when a TLS-terminating proxy is declared. */
export function secureCookies(): boolean {
  const settings = env();
  return settings.MODELPORT_SECURE_COOKIES || (settings.NEXTAUTH_URL?.startsWith("https://") ?? false);
}

export function sessionCookieName(): string {
  return `${secureCookies() ? "__Secure-" : ""}next-auth.session-token`;
}
