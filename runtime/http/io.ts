import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { badRequest, errorCode, RuntimeError } from "@/runtime/errors";
import { errorMessage } from "@/lib/error-message";

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const tooLarge = () => new RuntimeError(413, `Request bodies are at most ${MAX_BODY_BYTES / 1024 / 1024} MiB`);

function parseJson(chunks: Buffer[], size: number): unknown {
  if (size === 0) throw badRequest("The request needs a JSON body");
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${errorMessage(error)}`);
  }
}

/**
 * Reads and parses a JSON body, refusing bodies over MAX_BODY_BYTES (413) and malformed JSON (400). This runs once
 * per prediction, so it uses plain stream events (an async iterator's promise machinery was a measurable share of
 * the HTTP thread) and anonymous listeners (tsx names every named closure it creates, which costs a defineProperty).
 */
export function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    request.on("data", (chunk: Buffer) => {
      if (size > MAX_BODY_BYTES) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        chunks.length = 0;
        reject(tooLarge());
        request.destroy();
      }
    });
    request.on("end", () => {
      ended = true;
      try {
        resolve(parseJson(chunks, size));
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

export async function readValidated<T extends z.ZodType>(request: IncomingMessage, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) throw badRequest(z.prettifyError(parsed.error), { issues: parsed.error.issues });
  return parsed.data;
}

export function sendJson(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
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
) {
  response.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  response.end(body);
}

export function sendError(response: ServerResponse, error: unknown) {
  if (error instanceof RuntimeError) {
    sendJson(response, error.status, { error: error.message, code: errorCode(error.status), ...error.details });
    return;
  }
  console.error(error);
  sendJson(response, 500, {
    error: error instanceof Error ? `Internal error: ${error.message}` : "Internal error",
    code: errorCode(500),
  });
}
