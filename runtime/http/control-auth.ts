import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { RuntimeError } from "@/runtime/errors";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Checks the control API's bearer token in constant time; 401 when it is missing or wrong. */
export function requireControlToken(request: IncomingMessage, expectedToken: string) {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer (.+)$/i.exec(header);
  if (!match || !timingSafeEqual(digest(match[1]!), digest(expectedToken))) {
    throw new RuntimeError(401, "The control API needs `Authorization: Bearer <RUNTIME_CONTROL_TOKEN>`");
  }
}
