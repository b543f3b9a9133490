import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDispatcher } from "@/server/rest/dispatch";
import { allEndpoints } from "@/server/rest/endpoints";

const API_PREFIX = /^\/api\/v1(?=\/|$)/;

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

async function writeResponse(response: Response, res: ServerResponse) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), res);
}

/**
 * Serves the real REST dispatcher (what app/api/v1 serves) over HTTP on a random loopback port,
 * so child processes such as the CLI can call it exactly as they would call the portal.
 */
export async function startApiServer() {
  const dispatch = createDispatcher(allEndpoints);
  const server = createServer((req, res) => {
    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
    const request = toRequest(req, origin);
    const path = new URL(request.url).pathname;
    const handled = API_PREFIX.test(path)
      ? dispatch(request, path.replace(API_PREFIX, "") || "/")
      : Promise.resolve(Response.json({ error: { code: "NOT_FOUND", message: "Not an API path" } }, { status: 404 }));
    handled
      .then((response) => writeResponse(response, res))
      .catch((error: unknown) => {
        console.error("api-server: failed to answer", error);
        res.destroy(error instanceof Error ? error : undefined);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
