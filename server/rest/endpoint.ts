import { type Permission } from "@/contracts/permissions";
import { type TokenScope } from "@/contracts/token-scopes";
import { z } from "zod";
import { assertMayChange, type Owner, type OwnerContext } from "@/server/auth/ownership";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { actingAs, type ServiceContext, type SystemContext } from "@/server/services/context";
import { assertValidText } from "@/server/http/text-hygiene";
import { errorResponse, jsonResponse } from "@/server/rest/responses";
import { readJsonBody } from "@/server/rest/read-json-body";
import { authenticateWithinLimits, withHeaders } from "@/server/rest/rate-limit";

type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type AnyObject = z.ZodObject<z.ZodRawShape>;

type EndpointShape<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> = {
  method: HttpMethod;
  /** OpenAPI-style path below /api/v1, e.g. "/runs/{runId}". */
  path: string;
  summary: string;
  /** Longer text for the OpenAPI document (semantics a summary cannot carry). */
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  /** A JSON body schema, or "binary" for a streamed upload the handler reads itself. */
  body?: B | "binary";
  response: R;
  successStatus?: 200 | 201 | 202 | 204;
  /** Set for handlers that answer with their own Response (e.g. a file download). */
  rawResponse?: boolean;
};

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** Finds who owns what a mutating endpoint changes, from its validated path, query and body. */
export type OwnerResolver<P, Q, B> = (
  ctx: OwnerContext,
  input: { params: Infer<P>; query: Infer<Q>; body: Infer<B> },
) => Promise<Owner>;

/**
 * One REST endpoint called with an API token: the zod schemas here both validate requests and generate the OpenAPI
 * document, so the two cannot drift apart. A mutating endpoint names the `owner` of what it changes; the token's
 * owner must be allowed to change it (server/auth/ownership.ts) before the handler runs.
 */
export type EndpointSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
> = EndpointShape<P, Q, B, R> & { scope: TokenScope; permission: Permission; owner?: OwnerResolver<P, Q, B> };

/**
 * An endpoint called without a token, through a link the portal signed (e.g. an artifact download a model pod
 * fetches): the handler checks the signature carried in the query.
 */
export type SignedEndpointSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  R extends z.ZodType = z.ZodType,
> = EndpointShape<P, Q, undefined, R> & { access: "signed-link" };

export type HandlerInput<P, Q, B> = {
  ctx: ServiceContext;
  params: Infer<P>;
  query: Infer<Q>;
  body: Infer<B>;
  request: Request;
};

type RouteContext = { params: Promise<Record<string, string | string[]>> };

export type SignedHandlerInput<P, Q> = {
  system: SystemContext;
  params: Infer<P>;
  query: Infer<Q>;
  request: Request;
};

export type Endpoint = {
  spec: EndpointSpec | SignedEndpointSpec;
  handle: (request: Request, route: RouteContext) => Promise<Response>;
};

/**
 * The only credential /api/v1 accepts: cookies are never read here, so a cross-site request carries no authority and
 * the REST API needs no CSRF (Origin) check; server/http/origin-check.ts guards the cookie-authenticated routes.
 */
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

/** Every text reaching a schema is checked once here for NUL and lone surrogates (400, details.code INVALID_TEXT). */
function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  assertValidText(value, where);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("BAD_REQUEST", `Invalid ${where}: ${z.prettifyError(result.error)}`, {
    issues: result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
  });
}

async function parseLocation<P extends AnyObject | undefined, Q extends AnyObject | undefined>(
  spec: { params?: P; query?: Q },
  request: Request,
  route: RouteContext,
) {
  const params = spec.params ? parseOrThrow(spec.params, await route.params, "path parameters") : undefined;
  const url = new URL(request.url);
  const query = spec.query
    ? parseOrThrow(spec.query, Object.fromEntries(url.searchParams), "query parameters")
    : undefined;
  return { params: params as Infer<P>, query: query as Infer<Q> };
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
      const { principal, headers } = await authenticateWithinLimits(system, request, bearerSecret);
      if (!principal.scopes.includes(spec.scope)) {
        throw new AppError("FORBIDDEN", `This token lacks the "${spec.scope}" scope`);
      }
      if (!can(principal.role, spec.permission)) {
        throw new AppError("FORBIDDEN", `Your role (${principal.role}) may not do this`);
      }
      const { params, query } = await parseLocation(spec, request, route);
      const body =
        spec.body && spec.body !== "binary"
          ? parseOrThrow(spec.body, await requestBody(request), "request body")
          : undefined;
      const ctx = actingAs(system, principal);
      const input = { params, query, body: body as Infer<B> };
      if (spec.owner) assertMayChange(principal, await spec.owner(ctx, input));
      const result = await handler({ ...input, ctx, request });
      if (result instanceof Response) return withHeaders(result, headers);
      const status = spec.successStatus ?? (spec.method === "POST" ? 201 : 200);
      return status === 204 ? new Response(null, { status, headers }) : jsonResponse(result, status, headers);
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { spec: spec as unknown as EndpointSpec, handle };
}

/** A token-less endpoint reached through a signed link; the handler answers with its own Response. */
export function defineSignedEndpoint<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  R extends z.ZodType,
>(spec: SignedEndpointSpec<P, Q, R>, handler: (input: SignedHandlerInput<P, Q>) => Promise<Response>): Endpoint {
  const handle = async (request: Request, route: RouteContext): Promise<Response> => {
    try {
      const { params, query } = await parseLocation(spec, request, route);
      return await handler({ system: systemContextFromEnv(), params, query, request });
    } catch (error) {
      return errorResponse(error);
    }
  };
  return { spec: spec as unknown as SignedEndpointSpec, handle };
}
