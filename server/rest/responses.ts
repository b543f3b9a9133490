import { APP_ERROR_HTTP_STATUS, AppError } from "@/server/errors";
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

/** The one place an error becomes an HTTP answer. Unknown errors are logged and hidden. */
export function errorResponse(error: unknown): Response {
  if (error instanceof AppError) {
    return jsonResponse(
      { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } },
      APP_ERROR_HTTP_STATUS[error.code],
      error.code === "TOO_MANY_REQUESTS" ? retryHeaders(error) : {},
    );
  }
  console.error("Unhandled REST error", error);
  return jsonResponse({ error: { code: "INTERNAL", message: "Internal server error" } }, 500);
}
