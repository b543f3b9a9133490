import { randomUUID } from "node:crypto";
import { currentRequestId, log } from "@/server/logging/logger";

export type InternalErrorBody = { code: "INTERNAL"; message: string; requestId: string };

/**
 * Logs an unexpected failure under the request's id (a fresh one outside a request) and returns what the caller may
 * see: the id, never the error's own text (which may hold SQL, paths or data of other users).
 */
export function reportInternalError(error: unknown, where: string): InternalErrorBody {
  const requestId = currentRequestId() ?? randomUUID();
  log().error({ err: error, where, requestId }, `${where} failed`);
  return { code: "INTERNAL", message: `Internal error (request id ${requestId})`, requestId };
}
