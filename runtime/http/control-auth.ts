import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { RuntimeError } from "@/runtime/errors";

/** The sha256 of a secret: comparing fixed-length digests in constant time reveals neither content nor length. */
export const sha256 = (value: string) => createHash("sha256").update(value).digest();

function bearer(request: IncomingMessage): string | undefined {
  const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? "");
  return match?.[1];
}

const matches = (presented: string | undefined, expectedDigest: Buffer) =>
  presented !== undefined && timingSafeEqual(sha256(presented), expectedDigest);

/** Checks the control API's bearer token in constant time; 401 when it is missing or wrong. */
export function requireControlToken(request: IncomingMessage, expectedToken: string) {
  if (!matches(bearer(request), sha256(expectedToken))) {
    throw new RuntimeError(401, "The control API needs `Authorization: Bearer <RUNTIME_CONTROL_TOKEN>`");
  }
}

/** GET /metrics with RUNTIME_METRICS_TOKEN set: 401 without `Authorization: Bearer <token>`. */
export function requireMetricsToken(request: IncomingMessage, expectedToken: string) {
  if (!matches(bearer(request), sha256(expectedToken))) {
    throw new RuntimeError(401, "/metrics needs `Authorization: Bearer <RUNTIME_METRICS_TOKEN>`");
  }
}

/** Whether a prediction presents the endpoint's key as `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentsPredictKey(request: IncomingMessage, keyDigest: Buffer): boolean {
  const apiKey = request.headers["x-api-key"];
  return matches(typeof apiKey === "string" ? apiKey : bearer(request), keyDigest);
}
