import { errorMessage } from "@/lib/error-message";
import type { Readable } from "node:stream";
import { z } from "zod";
import type { Connection } from "@/cli/config";
import { ApiError } from "@/cli/errors";

type Query = Record<string, string | number | undefined>;

type RequestOptions<T> = { query?: Query; json?: unknown; schema: z.ZodType<T> };

const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .object({ issues: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
      .loose()
      .optional(),
  }),
});

export type ApiClient = ReturnType<typeof createApiClient>;

/** The one place the CLI talks HTTP. The token goes in a header and never into messages. */
export function createApiClient(connection: Connection, fetchImpl: typeof fetch = fetch) {
  const base = `${connection.url}/api/v1`;
  const urlFor = (path: string, query?: Query) => {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  };

  async function send<T>(
    method: string,
    url: URL,
    init: RequestInit & { duplex?: "half" },
    schema: z.ZodType<T>,
  ): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(url, {
        ...init,
        method,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${connection.token}`,
          accept: "application/json",
        },
      });
    } catch (error) {
      throw new ApiError(0, "NETWORK", `Cannot reach ${connection.url}: ${networkReason(error)}`);
    }
    const text = await response.text();
    if (!response.ok) throw toApiError(response, text);
    const parsed = schema.safeParse(text === "" ? {} : safeJson(text));
    if (!parsed.success) {
      throw new ApiError(
        response.status,
        "UNEXPECTED_RESPONSE",
        `Unexpected answer from ${method} ${url.pathname}: ${z.prettifyError(parsed.error)}`,
      );
    }
    return parsed.data;
  }

  return {
    request<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, options: RequestOptions<T>): Promise<T> {
      const init: RequestInit =
        options.json === undefined
          ? {}
          : { body: JSON.stringify(options.json), headers: { "content-type": "application/json" } };
      return send(method, urlFor(path, options.query), init, options.schema);
    },
    /** Streams a body (e.g. a file) without reading it into memory. */
    upload<T>(
      path: string,
      options: { query?: Query; body: Readable; size: number; schema: z.ZodType<T> },
    ): Promise<T> {
      return send(
        "POST",
        urlFor(path, options.query),
        {
          body: options.body as unknown as BodyInit,
          duplex: "half",
          headers: { "content-type": "application/octet-stream", "content-length": String(options.size) },
        },
        options.schema,
      );
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(response: Response, text: string): ApiError {
  const parsed = errorBody.safeParse(safeJson(text));
  if (!parsed.success) {
    const snippet = text.trim().slice(0, 200) || response.statusText;
    return new ApiError(response.status, `HTTP_${response.status}`, `HTTP ${response.status}: ${snippet}`);
  }
  const { code, message, details } = parsed.data.error;
  const issues = details?.issues ?? [];
  const detail =
    issues.length > 0 && !message.includes(issues[0]?.message ?? "")
      ? issues.map((i) => `\n  ${i.path || "(body)"}: ${i.message}`).join("")
      : "";
  return new ApiError(response.status, code, message + detail, details);
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? errorMessage(error);
}
