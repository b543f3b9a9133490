import { randomUUID } from "node:crypto";
import { currentRequestId, log } from "@/server/logging/logger";

export type InternalErrorBody = { code: "INTERNAL"; message: string; requestId: string };

/**
 * Logs an unexpected failure under the request's id (a fresh one outside a request) and returns what the caller may
 * see: the id, never the error's own text (which may hold SQL, paths or data of other users).
 */
export function reportInternalError(error: unknown, where: string): InternalErrorBody {
  const current = currentRequestId();
  const requestId = current ?? randomUUID();
  // Inside a request the logger already writes its id.
  log().error({ err: error, where, ...(current === undefined && { requestId }) }, `${where} failed`);
  return { code: "INTERNAL", message: `Internal error (request id ${requestId})`, requestId };
}
