import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { badRequest, errorCode, RuntimeError } from "@/runtime/errors";
import { errorMessage } from "@/lib/error-message";
import { RUNTIME_MAX_BODY_BYTES as MAX_BODY_BYTES } from "@/contracts/limits";

const tooLarge = () => new RuntimeError(413, `Request bodies are at most ${MAX_BODY_BYTES / 1024 / 1024} MiB`);

/** A JSON body and its bytes as received. */
export type JsonBody = { body: unknown; bytes: Buffer };

function parseJson(chunks: Buffer[], size: number): JsonBody {
  if (size === 0) throw badRequest("The request needs a JSON body");
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  try {
    return { body: JSON.parse(bytes.toString("utf8")), bytes };
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${errorMessage(error)}`);
  }
}

/** Past this many bytes of an over-large body, the connection is cut instead of read to its end. */
const MAX_DISCARDED_BYTES = 4 * MAX_BODY_BYTES;

/**
 * Reads a body, refusing bodies over MAX_BODY_BYTES (413), and hands its chunks to `finish`. An over-large body is
 * read on and discarded (up to MAX_DISCARDED_BYTES), so the client, still sending, receives the 413 instead of a reset
 * connection. This runs once per prediction, so it uses plain stream events (an async iterator's promise machinery
 * was a measurable share of the HTTP thread) and anonymous listeners (tsx names every named closure it creates, which
 * costs a defineProperty).
 */
function readBody<T>(request: IncomingMessage, finish: (chunks: Buffer[], size: number) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    request.on("data", (chunk: Buffer) => {
      const overflowed = size > MAX_BODY_BYTES;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (!overflowed) {
        chunks.length = 0;
        reject(tooLarge());
      } else if (size > MAX_DISCARDED_BYTES) request.destroy();
    });
    request.on("end", () => {
      ended = true;
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(finish(chunks, size));
      } catch (error) {
        reject(error);
      }
    });
    request.on("error", reject);
    request.on("close", () => {
      if (!ended) reject(new Error("The request closed before its body was read"));
    });
  });
}

/** Reads and parses a JSON body: over MAX_BODY_BYTES is refused (413), malformed JSON too (400). */
export const readJsonBody = (request: IncomingMessage): Promise<JsonBody> => readBody(request, parseJson);

/** Reads a body's bytes (at most MAX_BODY_BYTES, else 413). */
export const readBodyBytes = (request: IncomingMessage): Promise<Buffer> =>
  readBody(request, (chunks, size) => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));

export async function readValidated<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse((await readJsonBody(request)).body);
  if (!parsed.success) throw badRequest(z.prettifyError(parsed.error), { issues: parsed.error.issues });
  return parsed.data;
}

export function sendJson(response: ServerResponse, status: number, body: unknown) {
  sendJsonText(response, status, JSON.stringify(body));
}

/** Sends JSON already written, as text or UTF-8 bytes. */
export function sendJsonText(response: ServerResponse, status: number, text: string | Buffer) {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { ...headers, "content-type": contentType, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

export function sendError(response: ServerResponse, error: unknown) {
  if (error instanceof RuntimeError) {
    // An over-large body may still be arriving: the connection is not reused after it.
    if (error.status === 413) response.setHeader("connection", "close");
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") response.setHeader("retry-after", String(retryAfter));
    sendJson(response, error.status, { error: error.message, code: errorCode(error.status), ...error.details });
    return;
  }
  // The server logged it, with the request's id.
  sendJson(response, 500, {
    error: error instanceof Error ? `Internal error: ${error.message}` : "Internal error",
    code: errorCode(500),
  });
}
