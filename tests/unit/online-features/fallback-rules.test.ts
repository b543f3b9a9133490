import { describe, expect, it } from "vitest";
import { ruleFallbackSchema } from "@/contracts/online-features";
import { fallbackAnswer } from "@/runtime/features/fallback-rules";

const fallback = ruleFallbackSchema.parse({
  rules: [
    {
      when: [
        { field: "amount", op: ">=", value: 1000 },
        { field: "is_foreign", op: "==", value: 1 },
      ],
      outputs: { p: 0.95 },
    },
    { when: [{ field: "amount", op: ">", value: 500 }], outputs: { p: 0.6, review: true } },
  ],
  otherwise: { p: 0.02 },
});

describe("the rule-based fallback", () => {
  it("answers with the first rule whose conditions all hold, else otherwise", () => {
    expect(fallbackAnswer(fallback, { amount: 1000, is_foreign: 1 })).toEqual({ p: 0.95 });
    expect(fallbackAnswer(fallback, { amount: 1000, is_foreign: 0 })).toEqual({ p: 0.6, review: true });
    expect(fallbackAnswer(fallback, { amount: 500 })).toEqual({ p: 0.02 });
  });

  it("never fires a rule on a field the row lacks or holds as something else than a finite number", () => {
    expect(fallbackAnswer(fallback, {})).toEqual({ p: 0.02 });
    expect(fallbackAnswer(fallback, { amount: "2000", is_foreign: 1 })).toEqual({ p: 0.02 });
    expect(fallbackAnswer(fallback, { amount: Number.POSITIVE_INFINITY })).toEqual({ p: 0.02 });
  });

  it("hands out a copy: changing one answer never changes the declared outputs", () => {
    const first = fallbackAnswer(fallback, {});
    first.p = 1;
    expect(fallbackAnswer(fallback, {})).toEqual({ p: 0.02 });
  });

  it("refuses declarations without conditions or outputs", () => {
    expect(
      ruleFallbackSchema.safeParse({ rules: [{ when: [], outputs: { p: 1 } }], otherwise: { p: 0 } }).success,
    ).toBe(false);
    expect(ruleFallbackSchema.safeParse({ otherwise: {} }).success).toBe(false);
  });
});
