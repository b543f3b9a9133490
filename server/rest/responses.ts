import { APP_ERROR_HTTP_STATUS, asAppError } from "@/server/errors";
import { reportInternalError } from "@/server/http/internal-error";
import { retryHeaders } from "@/server/rate-limit/http";

/** JSON with BigInt and Date made portable (BigInt as number when safe, else string). */
export function jsonResponse(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify(data, (_key, value: unknown) => {
    if (typeof value === "bigint") {
      return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
    }
    return value;
  });
  return new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
}

/**
 * The one place an error becomes an HTTP answer: AppErrors (and Prisma errors the caller's input caused) with their
 * status; anything else is logged under a request id and answered 500 with the id only.
 */
export function errorResponse(error: unknown): Response {
  const appError = asAppError(error);
  if (appError) {
    const { code, message, details } = appError;
    return jsonResponse(
      { error: { code, message, ...(details ? { details } : {}) } },
      APP_ERROR_HTTP_STATUS[code],
      code === "TOO_MANY_REQUESTS" ? retryHeaders(appError) : {},
    );
  }
  return jsonResponse({ error: reportInternalError(error, "REST request") }, 500);
}
