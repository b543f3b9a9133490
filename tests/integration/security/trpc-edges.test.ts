import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handleTrpcRequest } from "@/server/api/http-handler";
import type { TrpcContext } from "@/server/api/trpc";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { givenUser } from "@/tests/integration/fixtures";
import { captureLogs } from "@/tests/log-capture";

/**
 * tRPC through the real fetch handler (as app/api/trpc serves it), signed in as a test user: bad text and numbers are
 * BAD_REQUEST, never INTERNAL; an internal failure shows a request id and none of its own text; cross-site mutations
 * are refused before any procedure runs.
 */

const ORIGIN = "http://localhost";
const SAME_ORIGIN = { origin: ORIGIN, "sec-fetch-site": "same-origin" };
let context: () => Promise<TrpcContext>;

beforeAll(async () => {
  const { user } = await givenUser("DATA_SCIENTIST");
  const withTeam = await db().user.findUniqueOrThrow({ where: { id: user.id }, include: { team: true } });
  context = async () => ({ system: systemContextFromEnv(), user: withTeam });
});

afterEach(() => vi.restoreAllMocks());

type TrpcAnswer = {
  status: number;
  text: string;
  error?: { message: string; data: { code: string; appErrorCode: string | null; requestId: string | null } };
};

async function answer(response: Response): Promise<TrpcAnswer> {
  const text = await response.text();
  const body = JSON.parse(text) as { error?: { json: TrpcAnswer["error"] } };
  return { status: response.status, text, error: body.error?.json };
}

async function mutate(procedure: string, input: unknown, headers: Record<string, string> = SAME_ORIGIN) {
  const request = new Request(`${ORIGIN}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
  return handleTrpcRequest(request, context);
}

async function query(procedure: string, input: unknown, make = context) {
  const search = new URLSearchParams({ input: JSON.stringify({ json: input }) });
  const request = new Request(`${ORIGIN}/api/trpc/${procedure}?${search}`, {
    headers: { "sec-fetch-site": "same-origin" },
  });
  return answer(await handleTrpcRequest(request, make));
}

const modelCount = () => db().registeredModel.count();

describe("tRPC inputs at the edge", () => {
  it("refuses NUL and lone surrogates in any text with BAD_REQUEST (INVALID_TEXT), writing nothing", async () => {
    const before = await modelCount();
    const inputs = [
      { name: "nul\u0000model", taskType: "OTHER" },
      { name: "fine-name", taskType: "OTHER", description: "half a pair \ud800" },
      { name: "fine-name", taskType: "OTHER", description: "\udc00 low first" },
      { name: "fine-name", taskType: "OTHER", tags: ["ok", "b\u0000d"] },
    ];
    for (const input of inputs) {
      const result = await answer(await mutate("registry.createModel", input));
      expect(result.status, JSON.stringify(input)).toBe(400);
      expect(result.error?.data).toMatchObject({ code: "BAD_REQUEST", appErrorCode: "BAD_REQUEST" });
      expect(result.error?.message).toMatch(/Invalid text in input at "(name|description|tags\.1)"/);
    }
    expect(await modelCount()).toBe(before);
  });

  it("refuses out-of-range and malformed numbers with BAD_REQUEST", async () => {
    for (const version of [2 ** 31, 2 ** 53, -1, 0, 1.5, "0x10", "1e3", [1], true]) {
      const result = await query("registry.version", { name: "any-model", version });
      expect(result.status, JSON.stringify(version)).toBe(400);
      expect(result.error?.data.code).toBe("BAD_REQUEST");
    }
    for (const page of [2 ** 31, 0, -1, 1.5]) {
      const result = await query("registry.list", { page });
      expect(result.status, `page ${page}`).toBe(400);
    }
    const nul = await query("registry.get", { name: "x\u0000" });
    expect(nul.status).toBe(400);
    expect(nul.error?.data.code).toBe("BAD_REQUEST");
  });

  it("answers an internal failure with a request id, never its own text", async () => {
    const logs = captureLogs();
    const secret = 'relation "secret_internal_table" does not exist (prisma.registeredModel.findMany() invocation)';
    const broken = async (): Promise<TrpcContext> => {
      const real = await context();
      const failingDb = new Proxy(real.system.db, {
        get: () => {
          throw new Error(secret);
        },
      });
      return { ...real, system: { ...real.system, db: failingDb } };
    };
    const result = await query("registry.list", {}, broken).finally(logs.restore);
    expect(result.status).toBe(500);
    expect(result.error?.message).toMatch(/^Internal error \(request id [0-9a-f-]{36}\)$/);
    expect(result.error?.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", appErrorCode: "INTERNAL" });
    expect(result.error?.message).toContain(result.error?.data.requestId);
    expect(result.text).not.toMatch(/secret_internal_table|prisma|invocation|stack/i);
    const failure = logs.lines().find((line) => line.level === "error");
    expect(failure).toMatchObject({ requestId: result.error!.data.requestId, err: { message: secret } });
  });
});

describe("tRPC mutations and the Origin check", () => {
  const refusedWith = async (headers: Record<string, string>) => {
    const before = await modelCount();
    const response = await mutate("registry.createModel", { name: `csrf-${Date.now()}`, taskType: "OTHER" }, headers);
    const body = (await response.json()) as { error: { code: string; details?: { code: string } } };
    expect(await modelCount()).toBe(before);
    return { status: response.status, code: body.error.code, detailsCode: body.error.details?.code };
  };
  const refused = { status: 403, code: "FORBIDDEN", detailsCode: "CROSS_ORIGIN" };

  it("refuses cross-site and same-site requests, foreign and null origins, and cookies without provenance", async () => {
    expect(await refusedWith({ "sec-fetch-site": "cross-site", cookie: "s=1" })).toEqual(refused);
    expect(await refusedWith({ "sec-fetch-site": "same-site", origin: "http://admin.localhost" })).toEqual(refused);
    expect(await refusedWith({ origin: "https://evil.example", cookie: "s=1" })).toEqual(refused);
    expect(await refusedWith({ origin: "null" })).toEqual(refused);
    expect(await refusedWith({ cookie: "next-auth.session-token=stolen" })).toEqual(refused);
  });

  it("lets the portal's own pages (and cookie-less callers) through", async () => {
    const own = await mutate("registry.createModel", { name: `own-${Date.now()}`, taskType: "OTHER" });
    expect(own.status).toBe(200);
    const behindProxy = await mutate(
      "registry.createModel",
      { name: `proxied-${Date.now()}`, taskType: "OTHER" },
      { origin: "https://portal.example.com", "x-forwarded-host": "portal.example.com", "x-forwarded-proto": "https" },
    );
    expect(behindProxy.status).toBe(200);
    const cookieless = await mutate("registry.createModel", { name: `plain-${Date.now()}`, taskType: "OTHER" }, {});
    expect(cookieless.status).toBe(200);
  });
});
