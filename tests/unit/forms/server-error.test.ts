import { describe, expect, it } from "vitest";
import { serverErrorPlan } from "@/components/forms/server-error";

const zodError = (issues: { path: string; message: string }[]) => ({
  message: "Invalid input",
  data: { zodIssues: issues, appErrorCode: null },
});

describe("serverErrorPlan", () => {
  it("puts each zod issue on the field its path names, the first message per field", () => {
    const plan = serverErrorPlan(
      zodError([
        { path: "name", message: "Too long" },
        { path: "name", message: "Bad characters" },
        { path: "reason", message: "Give a reason" },
      ]),
      { fields: ["name", "reason"] },
    );
    expect(plan).toEqual({
      fields: [
        { name: "name", message: "Too long" },
        { name: "reason", message: "Give a reason" },
      ],
      form: null,
    });
  });

  it("puts an issue on a nested path on its top-level field", () => {
    const plan = serverErrorPlan(zodError([{ path: "tags.2", message: "Tags use a-z" }]), { fields: ["tags"] });
    expect(plan).toEqual({ fields: [{ name: "tags", message: "Tags use a-z" }], form: null });
  });

  it("follows aliases for server paths the form names differently", () => {
    const plan = serverErrorPlan(zodError([{ path: "strategy.canaryPercent", message: "1–99" }]), {
      fields: ["canaryPercent", "reason"],
      aliases: { "strategy.canaryPercent": "canaryPercent" },
    });
    expect(plan).toEqual({ fields: [{ name: "canaryPercent", message: "1–99" }], form: null });
  });

  it("follows an alias for the nearest path above a nested issue", () => {
    const plan = serverErrorPlan(zodError([{ path: "changes.tags.3", message: "Tags use a-z" }]), {
      fields: ["tags", "description"],
      aliases: { "changes.tags": "tags" },
    });
    expect(plan).toEqual({ fields: [{ name: "tags", message: "Tags use a-z" }], form: null });
  });

  it("can send an issue about the whole input to a field", () => {
    const plan = serverErrorPlan(zodError([{ path: "", message: "Send at least one row" }]), {
      fields: ["rows"],
      aliases: { "": "rows" },
    });
    expect(plan).toEqual({ fields: [{ name: "rows", message: "Send at least one row" }], form: null });
  });

  it("sends an issue for no field of the form to the footer, with its path", () => {
    const plan = serverErrorPlan(
      zodError([
        { path: "endpointId", message: "Required" },
        { path: "", message: "Change something" },
      ]),
      { fields: ["reason"] },
    );
    expect(plan).toEqual({ fields: [], form: "endpointId: Required" });
    expect(serverErrorPlan(zodError([{ path: "", message: "Change something" }]), { fields: ["reason"] })).toEqual({
      fields: [],
      form: "Change something",
    });
  });

  it("sends a refusal in words to the field named for its code, otherwise to the footer", () => {
    const conflict = { message: "A model named x exists", data: { zodIssues: null, appErrorCode: "CONFLICT" } };
    expect(serverErrorPlan(conflict, { fields: ["name", "team"], fieldFor: { CONFLICT: "name" } })).toEqual({
      fields: [{ name: "name", message: "A model named x exists" }],
      form: null,
    });
    expect(serverErrorPlan(conflict, { fields: ["name"], fieldFor: { NOT_FOUND: "name" } })).toEqual({
      fields: [],
      form: "A model named x exists",
    });
    const forbidden = { message: "Only managers may", data: { zodIssues: null, appErrorCode: "FORBIDDEN" } };
    expect(serverErrorPlan(forbidden, { fields: ["name"], fieldFor: { CONFLICT: "name" } }).form).toBe(
      "Only managers may",
    );
  });

  it("shows the first line of a prettified zod message and copes with no data at all", () => {
    expect(serverErrorPlan({ message: "Invalid input: ✖ Too short\n  → at name" }, { fields: [] }).form).toBe(
      "Too short",
    );
    expect(
      serverErrorPlan({ message: 'Row 0: "amount" must be a number\nsee the signature' }, { fields: [] }).form,
    ).toBe('Row 0: "amount" must be a number\nsee the signature');
    expect(serverErrorPlan({ message: "Failed to fetch", data: null }, { fields: ["name"] })).toEqual({
      fields: [],
      form: "Failed to fetch",
    });
  });
});
