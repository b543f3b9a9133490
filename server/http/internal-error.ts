import { randomUUID } from "node:crypto";

export type InternalErrorBody = { code: "INTERNAL"; message: string; requestId: string };

/**
 * Logs an unexpected failure under a fresh request id and returns what the caller may see: the id, never the error's
 * own text (which may hold SQL, paths or data of other users).
 */
export function reportInternalError(error: unknown, where: string): InternalErrorBody {
  const requestId = randomUUID();
  console.error(`[${requestId}] ${where} failed`, error);
  return { code: "INTERNAL", message: `Internal error (request id ${requestId})`, requestId };
}
