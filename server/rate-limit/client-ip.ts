import { isIP } from "node:net";

/** The per-IP bucket every client shares when the client's address is unknown. */
export const DIRECT_BUCKET = "direct";

/**
 * The key a client's per-IP limits count under. A Next.js route handler does not see the socket's address, so the
 * only source is X-Forwarded-For, which any client can write: it is read only when TRUST_PROXY says a reverse proxy
 * in front sets it, and then only its right-most entry (the address that one trusted proxy saw; entries before it are
 * whatever the client claimed). Without TRUST_PROXY (or without a valid address) every client shares one "direct"
 * bucket: per-IP limits then hold for all clients together, and per-token and per-email limits still separate them.
 */
export function clientKey(headers: Headers, trustProxy: boolean): string {
  if (!trustProxy) return DIRECT_BUCKET;
  const last = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim().toLowerCase();
  return last && isIP(last) ? `ip:${last}` : DIRECT_BUCKET;
}
