import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature of a webhook delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. Signing the
 * time with the body lets a receiver refuse a replayed delivery (verifyWebhookSignature's tolerance).
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${digest(secret, unixSeconds, body)}`;
}

function digest(secret: string, unixSeconds: number, body: string): string {
  return createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

/** What a receiver runs: the header parsed, the digest compared in constant time, the time within `toleranceSeconds`. */
export function verifyWebhookSignature(
  secret: string,
  header: string | null,
  body: string,
  nowUnixSeconds: number,
  toleranceSeconds = 300,
): SignatureCheck {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return { valid: false, reason: "malformed signature header" };
  const unixSeconds = Number(match[1]);
  if (Math.abs(nowUnixSeconds - unixSeconds) > toleranceSeconds) return { valid: false, reason: "too old or too new" };
  const expected = Buffer.from(digest(secret, unixSeconds, body), "hex");
  const given = Buffer.from(match[2]!, "hex");
  return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: "digest does not match" };
}
