import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import type { TrpcContext } from "@/server/api/trpc";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { checkSameOrigin, ownOrigins } from "@/server/http/origin-check";
import { handleWithRequestId } from "@/server/logging/request-log";
import { errorResponse } from "@/server/rest/responses";

/** A 403 (details.code CROSS_ORIGIN) for a POST that does not come from the portal's own pages; null otherwise. */
export function crossOriginRefusal(request: Request): Response | null {
  if (request.method === "GET" || request.method === "HEAD") return null;
  const verdict = checkSameOrigin(request.headers, ownOrigins(request.url, request.headers, env().NEXTAUTH_URL));
  if (verdict.ok) return null;
  return errorResponse(
    new AppError("FORBIDDEN", `Cross-origin request refused: ${verdict.reason}`, { code: "CROSS_ORIGIN" }),
  );
}

/**
 * /api/trpc over HTTP: the session cookie is its credential, so every mutation (a POST) first passes the origin
 * check. Internal errors are logged by the error formatter (server/api/trpc.ts) under the request id the caller sees.
 */
export function handleTrpcRequest(request: Request, createContext: () => Promise<TrpcContext>): Promise<Response> {
  return handleWithRequestId(request, () => {
    const refused = crossOriginRefusal(request);
    if (refused) return Promise.resolve(refused);
    return fetchRequestHandler({ endpoint: "/api/trpc", req: request, router: appRouter, createContext });
  });
}
