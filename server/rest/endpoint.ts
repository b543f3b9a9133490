import { type Permission } from "@/contracts/permissions";
import { type TokenScope } from "@/contracts/token-scopes";
import { z } from "zod";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { authenticateApiToken } from "@/server/services/admin/api-tokens";
import { actingAs, type ServiceContext } from "@/server/services/context";
import { errorResponse, jsonResponse } from "@/server/rest/responses";
import { readJsonBody } from "@/server/rest/read-json-body";

type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One REST endpoint: the zod schemas here both validate requests and generate the OpenAPI document,
 * so the two cannot drift apart.
 */
export type EndpointSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
> = {
  method: HttpMethod;
  /** OpenAPI-style path below /api/v1, e.g. "/runs/{runId}". */
  path: string;
  summary: string;
  tag: string;
  scope: TokenScope;
  permission: Permission;
  params?: P;
  query?: Q;
  /** A JSON body schema, or "binary" for a streamed upload the handler reads itself. */
  body?: B | "binary";
  response: R;
  successStatus?: 200 | 201 | 204;
  /** Set for handlers that answer with their own Response (e.g. a file download). */
  rawResponse?: boolean;
};

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export type HandlerInput<P, Q, B> = {
  ctx: ServiceContext;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  request: Request;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type Endpoint = {
  spec: EndpointSpec;
  handle: (request: Request, route: RouteContext) => Promise<Response>;
};

function bearerSecret(request: Request): string {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError("UNAUTHORIZED", "Missing bearer token (Authorization: Bearer <token>)");
  return match[1];
}

/** A DELETE may come without a body (its fields are then all optional); other methods must send JSON. */
function requestBody(request: Request): Promise<unknown> {
  const empty = !request.headers.get("content-type") && (request.headers.get("content-length") ?? "0") === "0";
  return request.method === "DELETE" && empty ? Promise.resolve({}) : readJsonBody(request);
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("BAD_REQUEST", `Invalid ${where}: ${z.prettifyError(result.error)}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}

export function defineEndpoint<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
>(spec: EndpointSpec<P, Q, B, R>, handler: (input: HandlerInput<P, Q, B>) => Promise<z.input<R> | Response>): Endpoint {
  const handle = async (request: Request, route: RouteContext): Promise<Response> => {
    try {
      const system = systemContextFromEnv();
      const principal = await authenticateApiToken(system, bearerSecret(request));
      if (!principal.scopes.includes(spec.scope)) {
        throw new AppError("FORBIDDEN", `This token lacks the "${spec.scope}" scope`);
      }
      if (!can(principal.role, spec.permission)) {
        throw new AppError("FORBIDDEN", `Your role (${principal.role}) may not do this`);
      }
      const params = spec.params ? parseOrThrow(spec.params, await route.params, "path parameters") : undefined;
      const url = new URL(request.url);
      const query = spec.query
        ? parseOrThrow(spec.query, Object.fromEntries(url.searchParams), "query parameters")
        : undefined;
      const body =
        spec.body && spec.body !== "binary"
          ? parseOrThrow(spec.body, await requestBody(request), "request body")
          : undefined;
      const result = await handler({
        ctx: actingAs(system, principal),
        params: params as Infer<P>,
        query: query as Infer<Q>,
        body: body as Infer<B>,
        request,
      });
      if (result instanceof Response) return result;
      const status = spec.successStatus ?? (spec.method === "POST" ? 201 : 200);
      return status === 204 ? new Response(null, { status }) : jsonResponse(result, status);
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { spec: spec as unknown as EndpointSpec, handle };
}
