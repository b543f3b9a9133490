import type { Endpoint } from "@/server/rest/endpoint";
import { handleWithRequestId } from "@/server/logging/request-log";
import { jsonResponse } from "@/server/rest/responses";

/** A path segment decoded, or null when its %-encoding is malformed (e.g. "%E0%A4%A"). */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    if (error instanceof URIError) return null;
    throw error;
  }
}

const badEncoding = () =>
  jsonResponse({ error: { code: "BAD_REQUEST", message: "Malformed %-encoding in the request path" } }, 400);

type CompiledRoute = { endpoint: Endpoint; pattern: RegExp; names: string[] };

function compile(endpoint: Endpoint): CompiledRoute {
  const names: string[] = [];
  const source = endpoint.spec.path
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\{(\w+)\}/g, (_match, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
  return { endpoint, pattern: new RegExp(`^${source}$`), names };
}

/** Routes /api/v1/* requests to the endpoint whose method and path match, each under its request id. */
export function createDispatcher(endpoints: Endpoint[]) {
  const routes = endpoints.map(compile);
  const dispatch = async (request: Request, path: string): Promise<Response> => {
    const candidates = routes
      .map((route) => ({ route, match: route.pattern.exec(path) }))
      .filter((c): c is { route: CompiledRoute; match: RegExpExecArray } => c.match !== null);
    if (candidates.length === 0) {
      return jsonResponse({ error: { code: "NOT_FOUND", message: `No API route ${path}` } }, 404);
    }
    const hit = candidates.find((c) => c.route.endpoint.spec.method === request.method);
    if (!hit) {
      const allowed = candidates.map((c) => c.route.endpoint.spec.method).join(", ");
      return new Response(JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: `Use ${allowed}` } }), {
        status: 405,
        headers: { allow: allowed, "content-type": "application/json" },
      });
    }
    const values = hit.route.names.map((_name, i) => decodeSegment(hit.match[i + 1] ?? ""));
    if (values.some((value) => value === null)) return badEncoding();
    const params = Object.fromEntries(hit.route.names.map((name, i) => [name, values[i] ?? ""]));
    return hit.route.endpoint.handle(request, { params: Promise.resolve(params) });
  };
  return (request: Request, path: string) => handleWithRequestId(request, () => dispatch(request, path));
}
