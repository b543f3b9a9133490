import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { assertValidText, findInvalidText } from "@/server/http/text-hygiene";

describe("findInvalidText", () => {
  it("accepts clean text, paired surrogates and non-text values", () => {
    expect(findInvalidText({ a: "héllo 😀", b: [1, true, null, { c: "x" }], d: new Date() })).toBeNull();
    expect(findInvalidText("\ud83d\ude00")).toBeNull();
    expect(findInvalidText(undefined)).toBeNull();
  });

  it("finds a NUL with its path", () => {
    expect(findInvalidText({ metrics: [{ key: "ok" }, { key: "lo\u0000ss" }] })).toEqual({
      path: "metrics.1.key",
      problem: "NUL character",
    });
  });

  it("finds lone high and low surrogates, at the end or in the middle", () => {
    expect(findInvalidText({ name: "abc\ud800" })).toEqual({ path: "name", problem: "unpaired UTF-16 surrogate" });
    expect(findInvalidText(["\udc00abc"])).toEqual({ path: "0", problem: "unpaired UTF-16 surrogate" });
    expect(findInvalidText("a\ud800b")?.problem).toBe("unpaired UTF-16 surrogate");
    expect(findInvalidText("\ude00\ud83d")?.problem).toBe("unpaired UTF-16 surrogate");
  });

  it("checks keys too, without echoing the bad character in the path", () => {
    expect(findInvalidText({ tags: { "own\u0000er": "x" } })).toEqual({
      path: "tags.own?er",
      problem: "NUL character",
    });
  });
});

describe("assertValidText", () => {
  it("throws a BAD_REQUEST with details.code INVALID_TEXT", () => {
    const thrown = (() => {
      try {
        assertValidText({ name: "x\u0000" }, "request body");
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: "BAD_REQUEST",
      message: 'Invalid text in request body at "name": NUL character',
      details: { code: "INVALID_TEXT", path: "name" },
    });
    expect(() => assertValidText({ name: "fine" }, "body")).not.toThrow();
  });
});

describe("deeply nested input", () => {
  it("is refused with TOO_DEEP instead of being walked", () => {
    let value: unknown = "leaf";
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(() => assertValidText(value, "request body")).toThrow(/nested more than 64 levels deep/);
    let fine: unknown = "leaf";
    for (let i = 0; i < 60; i++) fine = { a: fine };
    expect(() => assertValidText(fine, "request body")).not.toThrow();
  });
});
