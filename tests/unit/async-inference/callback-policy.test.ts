import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { callbackOf, hostAllowed } from "@/server/services/async-inference/callback-policy";
import { jsonRows, payloadType } from "@/server/services/async-inference/payload";

const SECRET = "s".repeat(20);
const refusal = (call: () => unknown) => {
  try {
    call();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return "accepted";
};

describe("callback policy", () => {
  it("allows exact hosts and subdomains of a wildcard entry only", () => {
    const allowed = ["127.0.0.1", "*.hooks.example.com"];
    expect(hostAllowed("127.0.0.1", allowed)).toBe(true);
    expect(hostAllowed("a.hooks.example.com", allowed)).toBe(true);
    expect(hostAllowed("hooks.example.com", allowed)).toBe(false);
    expect(hostAllowed("evilhooks.example.com", allowed)).toBe(false);
    expect(hostAllowed("169.254.169.254", allowed)).toBe(false);
  });

  it("takes both headers or neither, an http(s) URL on an allowed host, without credentials", () => {
    const hosts = ["localhost"];
    expect(callbackOf(null, null, hosts)).toBeUndefined();
    expect(callbackOf("http://localhost:8080/hook", SECRET, hosts)).toEqual({
      url: "http://localhost:8080/hook",
      secret: SECRET,
    });
    expect(refusal(() => callbackOf("http://localhost/hook", null, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf(null, SECRET, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("file:///etc/passwd", SECRET, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("http://user:pw@localhost/hook", SECRET, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("http://10.0.0.1/hook", SECRET, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("http://localhost/hook", "short", hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("http://localhost/hook", `${SECRET} x`, hosts))).toBe("BAD_REQUEST");
    expect(refusal(() => callbackOf("http://localhost/hook", SECRET, []))).toBe("BAD_REQUEST");
  });
});

describe("async payloads", () => {
  it("are JSON or CSV by media type, parameters ignored; anything else is a 415", () => {
    expect(payloadType("application/json; charset=utf-8")).toBe("application/json");
    expect(payloadType("TEXT/CSV")).toBe("text/csv");
    for (const type of [null, "", "text/plain", "application/jsonx"])
      expect(refusal(() => payloadType(type))).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("hold JSON rows as objects; anything else is a 400", () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    expect(jsonRows(bytes('{"rows":[{"a":1},{"a":2}]}'))).toEqual([{ a: 1 }, { a: 2 }]);
    for (const text of ["", "{", '{"rows":[]}', '{"rows":[1]}', '{"rows":{}}', "[]", '{"rows":[null]}'])
      expect(
        refusal(() => jsonRows(bytes(text))),
        text,
      ).toBe("BAD_REQUEST");
    expect(refusal(() => jsonRows(new Uint8Array([0x7b, 0xff, 0x7d])))).toBe("BAD_REQUEST");
  });
});
