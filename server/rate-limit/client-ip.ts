import { isIP } from "node:net";

/**
 * The key a client's per-IP limits count under, or null when the client's address is unknown. A Next.js route handler
 * does not see the socket's address, so the only source is X-Forwarded-For, which any client can write: it is read
 * only when TRUST_PROXY says a reverse proxy in front sets it, and then only its right-most entry (the address that
 * one trusted proxy saw; entries before it are whatever the client claimed). Without it there is no per-IP limit:
 * one bucket shared by every client would let anyone lock everyone out. Per-token and per-email limits still hold.
 */
export function clientKey(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  const last = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim().toLowerCase();
  return last && isIP(last) ? `ip:${last}` : null;
}
