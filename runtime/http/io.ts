import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { badRequest, RuntimeError } from "../errors";

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Reads and parses a JSON body, refusing bodies over MAX_BODY_BYTES (413) and malformed JSON (400). */
export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RuntimeError(413, `Request bodies are at most ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
    chunks.push(chunk);
  }
  if (size === 0) throw badRequest("The request needs a JSON body");
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function readValidated<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) throw badRequest(z.prettifyError(parsed.error), { issues: parsed.error.issues });
  return parsed.data;
}

export function sendJson(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8") {
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

export function sendError(response: ServerResponse, error: unknown) {
  if (error instanceof RuntimeError) {
    sendJson(response, error.status, { error: error.message, ...error.details });
    return;
  }
  console.error(error);
  sendJson(response, 500, { error: error instanceof Error ? `Internal error: ${error.message}` : "Internal error" });
}
