import { describe, expect, it } from "vitest";
import { fieldMessage, fieldMessageAt } from "@/components/forms/field-message";

describe("fieldMessage", () => {
  it("reads a field's own message", () => {
    expect(fieldMessage({ type: "server", message: "Taken" })).toBe("Taken");
  });

  it("finds the first message of a list checked item by item", () => {
    expect(fieldMessage([undefined, undefined, { type: "invalid_format", message: "Tags use a-z" }])).toBe(
      "Tags use a-z",
    );
  });

  it("finds a message nested in an object and skips the field's element", () => {
    const ref = { message: "not an error" };
    expect(fieldMessage({ ref, bakeSeconds: { message: "Too small" } })).toBe("Too small");
    expect(fieldMessage({ ref })).toBeUndefined();
  });

  it("has nothing to say for no error", () => {
    expect(fieldMessage(undefined)).toBeUndefined();
    expect(fieldMessage({ message: "" })).toBeUndefined();
  });
});

describe("fieldMessageAt", () => {
  const errors = { reason: { message: "Say why" }, strategy: { canaryPercent: { message: "Canary share is 1–99%" } } };

  it("reads the message at a dotted path", () => {
    expect(fieldMessageAt(errors, "strategy.canaryPercent")).toBe("Canary share is 1–99%");
    expect(fieldMessageAt(errors, "reason")).toBe("Say why");
  });

  it("has nothing for a path without an error", () => {
    expect(fieldMessageAt(errors, "strategy.bakeSeconds")).toBeUndefined();
    expect(fieldMessageAt(errors, "metricGate.metric")).toBeUndefined();
  });
});
