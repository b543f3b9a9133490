import { afterEach, describe, expect, it } from "vitest";
import { parseRequestId, REQUEST_ID_HEADER, requestIdFrom } from "@/contracts/request-id";
import { requestIdOfJob } from "@/server/jobs/define-job";
import { currentRequestId, log } from "@/server/logging/logger";
import { requestIdHeader } from "@/server/logging/outgoing";
import { handleWithRequestId } from "@/server/logging/request-log";
import { captureLogs } from "@/tests/log-capture";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(() => logs?.restore());

describe("request ids", () => {
  it("accepts well-formed ids as sent", () => {
    for (const id of ["3f1c2a9e-8f1b-4c8e-9a4d-1b2c3d4e5f60", "abc", "req_01HZX.2:7-a", "A".repeat(128)])
      expect(parseRequestId(id)).toBe(id);
  });

  it("refuses missing, empty, over-long and odd ones, and makes a fresh UUID instead", () => {
    const odd = [
      "",
      " ",
      "A".repeat(129),
      "-starts-with-dash",
      "has space",
      "line\nbreak",
      'quote"',
      "ü",
      "a/b",
      "a=b",
    ];
    for (const id of [...odd, null, undefined]) {
      expect(parseRequestId(id)).toBeUndefined();
      expect(requestIdFrom(id)).toMatch(UUID);
    }
    expect(requestIdFrom(null)).not.toBe(requestIdFrom(null));
  });

  it("reads the id of the request that enqueued a job from its data, and nothing else", () => {
    expect(requestIdOfJob({ data: { deploymentId: "d1", _requestId: "req-1" } })).toBe("req-1");
    expect(requestIdOfJob({ data: { deploymentId: "d1" } })).toBeUndefined();
    expect(requestIdOfJob({ data: { _requestId: "bad id\n" } })).toBeUndefined();
    expect(requestIdOfJob({ data: { _requestId: 42 } })).toBeUndefined();
    expect(requestIdOfJob(undefined)).toBeUndefined();
  });
});

describe("an API request under its request id", () => {
  const request = (headers: Record<string, string> = {}) =>
    new Request("http://portal.test/api/v1/models?name=secret-query", { headers });

  it("keeps the caller's id: in the answer's header, on every line logged meanwhile, and on outgoing calls", async () => {
    logs = captureLogs();
    let seen: { current?: string; outgoing?: Record<string, string> } = {};
    const response = await handleWithRequestId(request({ [REQUEST_ID_HEADER]: "from-the-caller-1" }), async () => {
      log().info("inside");
      seen = { current: currentRequestId(), outgoing: requestIdHeader() };
      return Response.json({ ok: true }, { status: 201 });
    });
    expect(response.status).toBe(201);
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("from-the-caller-1");
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toEqual({ current: "from-the-caller-1", outgoing: { [REQUEST_ID_HEADER]: "from-the-caller-1" } });
    expect(logs.lines()).toEqual([
      expect.objectContaining({ requestId: "from-the-caller-1", msg: "inside", name: "portal" }),
      expect.objectContaining({
        requestId: "from-the-caller-1",
        msg: "request",
        method: "GET",
        path: "/api/v1/models",
        status: 201,
      }),
    ]);
    expect(logs.text()).not.toContain("secret-query");
    expect(currentRequestId()).toBeUndefined();
    expect(requestIdHeader()).toEqual({});
  });

  it("replaces a malformed id with a fresh one, also on answers whose headers cannot change", async () => {
    logs = captureLogs();
    const response = await handleWithRequestId(request({ [REQUEST_ID_HEADER]: "evil\tid" }), async () =>
      Response.redirect("http://portal.test/elsewhere", 303),
    );
    const id = response.headers.get(REQUEST_ID_HEADER);
    expect(id).toMatch(UUID);
    expect(response.headers.get("location")).toBe("http://portal.test/elsewhere");
    expect(logs.lines()).toEqual([expect.objectContaining({ requestId: id, status: 303 })]);
  });
});
