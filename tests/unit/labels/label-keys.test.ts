import { describe, expect, it } from "vitest";
import {
  digitIndex,
  draftLabel,
  fieldRows,
  isTypingTarget,
  keyOfIndex,
  labelKeyAction,
  labelText,
  reviewKeyAction,
} from "@/lib/label-keys";

const classes = { kind: "classes" as const, classes: ["legit", "fraud", "unsure"] };
const rating = { kind: "rating" as const, scale: 5, comment: true };
const number = { kind: "number" as const, min: 0 };

describe("labelling keys", () => {
  it("picks the n-th class with digit n and ignores digits beyond the classes", () => {
    expect(labelKeyAction("1", classes)).toEqual({ type: "pick", value: { kind: "classes", label: "legit" } });
    expect(labelKeyAction("3", classes)).toEqual({ type: "pick", value: { kind: "classes", label: "unsure" } });
    expect(labelKeyAction("4", classes)).toBeNull();
  });

  it("uses 0 for the tenth option", () => {
    const ten = { kind: "classes" as const, classes: Array.from({ length: 11 }, (_, i) => `c${i}`) };
    expect(labelKeyAction("0", ten)).toEqual({ type: "pick", value: { kind: "classes", label: "c9" } });
    expect(digitIndex("0")).toBe(9);
    expect(keyOfIndex(9)).toBe("0");
    expect(keyOfIndex(10)).toBeNull();
    expect(keyOfIndex(0)).toBe("1");
  });

  it("picks ratings up to the scale", () => {
    expect(labelKeyAction("5", rating)).toEqual({ type: "pick", value: { kind: "rating", rating: 5 } });
    expect(labelKeyAction("6", rating)).toBeNull();
    expect(labelKeyAction("0", rating)).toBeNull();
  });

  it("leaves digits to the input of a number queue", () => {
    expect(labelKeyAction("1", number)).toBeNull();
    expect(labelKeyAction("Enter", number)).toEqual({ type: "submit" });
  });

  it("moves with J and K in either case and submits with Enter", () => {
    expect(labelKeyAction("j", classes)).toEqual({ type: "next" });
    expect(labelKeyAction("J", classes)).toEqual({ type: "next" });
    expect(labelKeyAction("k", classes)).toEqual({ type: "previous" });
    expect(labelKeyAction("Enter", classes)).toEqual({ type: "submit" });
    expect(labelKeyAction("x", classes)).toBeNull();
    expect(labelKeyAction("F1", classes)).toBeNull();
  });
});

describe("review keys", () => {
  it("maps A, F, R, J and K", () => {
    expect(["a", "F", "r", "j", "K", "x"].map(reviewKeyAction)).toEqual([
      "accept",
      "fix",
      "reject",
      "next",
      "previous",
      null,
    ]);
  });
});

describe("typing targets", () => {
  it("treats text inputs, text areas and selects as typing, buttons and checkboxes not", () => {
    expect(isTypingTarget({ tagName: "INPUT", type: "number" } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "TEXTAREA" } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "SELECT" } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: "INPUT", type: "checkbox" } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget({ tagName: "BUTTON" } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe("label text and field rows", () => {
  it("reads labels as people do", () => {
    expect(labelText({ kind: "classes", label: "fraud" })).toBe("fraud");
    expect(labelText({ kind: "number", value: 12.5 })).toBe("12.5");
    expect(labelText({ kind: "rating", rating: 4, comment: "terse" }, rating)).toBe("4/5 — terse");
    expect(labelText({ kind: "rating", rating: 2 })).toBe("2");
  });

  it("lists an object's fields and wraps anything else", () => {
    expect(fieldRows({ amount: 12, country: "NL", flags: [1] })).toEqual([
      { name: "amount", value: "12" },
      { name: "country", value: "NL" },
      { name: "flags", value: "[1]" },
    ]);
    expect(fieldRows([1, 2])).toEqual([{ name: "value", value: "[1,2]" }]);
    expect(fieldRows(undefined)).toEqual([]);
  });
});

describe("the labelling draft", () => {
  it("is the picked class, the typed number or the rating with its comment", () => {
    const fraud = { kind: "classes" as const, label: "fraud" };
    expect(draftLabel(classes, fraud, "", "")).toEqual(fraud);
    expect(draftLabel(classes, null, "3", "")).toBeNull();
    expect(draftLabel(number, null, " 12.5 ", "")).toEqual({ kind: "number", value: 12.5 });
    expect(draftLabel(number, null, "", "")).toBeNull();
    expect(draftLabel(number, null, "abc", "")).toBeNull();
    expect(draftLabel(rating, { kind: "rating", rating: 4 }, "", " terse ")).toEqual({
      kind: "rating",
      rating: 4,
      comment: "terse",
    });
    expect(draftLabel({ ...rating, comment: false }, { kind: "rating", rating: 4 }, "", "x")).toEqual({
      kind: "rating",
      rating: 4,
    });
    expect(draftLabel(rating, null, "", "x")).toBeNull();
  });
});
