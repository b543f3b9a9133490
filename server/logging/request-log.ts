import { REQUEST_ID_HEADER, requestIdFrom } from "@/contracts/request-id";
import { log, withRequestId } from "@/server/logging/logger";

/** The answer with the request id in its headers (copied when the answer's headers are immutable). */
function withRequestIdHeader(response: Response, requestId: string): Response {
  const headers = new Headers(response.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * Handles an API request under its request id (the caller's well-formed `x-request-id`, or a fresh one): every line
 * logged meanwhile carries it, jobs enqueued carry it to the worker, and the answer echoes it. One line per request:
 * method, path (never the query, which may hold inputs), status and duration.
 */
export async function handleWithRequestId(request: Request, handle: () => Promise<Response>): Promise<Response> {
  const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
  const path = new URL(request.url).pathname;
  return withRequestId(requestId, {}, async () => {
    const started = performance.now();
    const response = await handle();
    const durationMs = Math.round(performance.now() - started);
    log().info({ method: request.method, path, status: response.status, durationMs }, "request");
    return withRequestIdHeader(response, requestId);
  });
}
