import { createDispatcher } from "@/server/rest/dispatch";
import { allEndpoints } from "@/server/rest/endpoints";

const dispatch = createDispatcher(allEndpoints);

type Body = { json: unknown } | { bytes: Uint8Array; contentType: string };

/**
 * Calls the /api/v1 handlers in-process with a bearer token, exactly as Next.js routes a pipeline's request, so the
 * demo's models arrive the way a training pipeline's do. Anything but a 2xx stops the seed with the API's message.
 */
export function seedRestClient(token: string) {
  return async function call<T>(method: "GET" | "POST", path: string, body?: Body): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    let payload: BodyInit | undefined;
    if (body && "json" in body) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers["content-type"] = body.contentType;
      headers["content-length"] = String(body.bytes.byteLength);
      payload = new Blob([new Uint8Array(body.bytes)]);
    }
    const url = new URL(`http://seed.local/api/v1${path}`);
    const response = await dispatch(
      new Request(url, { method, headers, body: payload }),
      url.pathname.replace(/^\/api\/v1/, ""),
    );
    const text = await response.text();
    if (!response.ok)
      throw new Error(`Seeding through the REST API: ${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}
