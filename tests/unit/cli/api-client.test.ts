import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createApiClient } from "@/cli/api-client";
import { ApiError } from "@/cli/errors";

const TOKEN = "mp_very_secret_token";

function fakeFetch(respond: (url: URL, init: RequestInit) => Response) {
  const calls: { url: URL; init: RequestInit }[] = [];
  const impl = (async (input: URL | RequestInfo, init?: RequestInit) => {
    const url = new URL(String(input));
    calls.push({ url, init: init ?? {} });
    return respond(url, init ?? {});
  }) as typeof fetch;
  return { impl, calls };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("createApiClient", () => {
  it("sends the bearer token, JSON body and query to /api/v1", async () => {
    const { impl, calls } = fakeFetch(() => json({ id: "r1" }, 201));
    const api = createApiClient({ url: "http://mp.test", token: TOKEN }, impl);
    const result = await api.request("POST", "/runs", {
      json: { a: 1 },
      query: { x: "y", skip: undefined },
      schema: z.object({ id: z.string() }),
    });
    expect(result).toEqual({ id: "r1" });
    expect(calls[0]?.url.toString()).toBe("http://mp.test/api/v1/runs?x=y");
    expect(calls[0]?.init.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
    });
    expect(calls[0]?.init.body).toBe('{"a":1}');
  });

  it("turns the API's error body into an ApiError with the validation issues", async () => {
    const { impl } = fakeFetch(() =>
      json(
        {
          error: {
            code: "BAD_REQUEST",
            message: "Invalid request body",
            details: { issues: [{ path: "metrics.0.value", message: "Metric values must be finite numbers" }] },
          },
        },
        400,
      ),
    );
    const api = createApiClient({ url: "http://mp.test", token: TOKEN }, impl);
    const error = await api.request("GET", "/x", { schema: z.unknown() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "BAD_REQUEST",
      message: "Invalid request body\n  metrics.0.value: Metric values must be finite numbers",
    });
  });

  it("reports non-JSON failures, unexpected answers and network errors without the token", async () => {
    const plain = createApiClient(
      { url: "http://mp.test", token: TOKEN },
      fakeFetch(() => new Response("Bad gateway", { status: 502 })).impl,
    );
    await expect(plain.request("GET", "/x", { schema: z.unknown() })).rejects.toMatchObject({
      status: 502,
      message: "HTTP 502: Bad gateway",
    });

    const odd = createApiClient({ url: "http://mp.test", token: TOKEN }, fakeFetch(() => json({ nope: true })).impl);
    await expect(odd.request("GET", "/runs/1", { schema: z.object({ id: z.string() }) })).rejects.toMatchObject({
      code: "UNEXPECTED_RESPONSE",
    });

    const down = createApiClient({ url: "http://127.0.0.1:1", token: TOKEN }, (async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    }) as typeof fetch);
    const error = (await down.request("GET", "/x", { schema: z.unknown() }).catch((e: unknown) => e)) as ApiError;
    expect(error.message).toBe("Cannot reach http://127.0.0.1:1: ECONNREFUSED");
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(TOKEN);
  });
});
