import { describe, expect, it } from "vitest";
import { diffAuditValues, formatDiffValue } from "@/components/admin/audit-diff";

describe("diffAuditValues", () => {
  it("marks changed, unchanged, added and removed keys", () => {
    expect(
      diffAuditValues({ role: "VIEWER", team: "Risk", old: 1 }, { role: "ADMIN", team: "Risk", fresh: true }),
    ).toEqual([
      { key: "role", before: "VIEWER", after: "ADMIN", change: "changed" },
      { key: "team", before: "Risk", after: "Risk", change: "unchanged" },
      { key: "old", before: 1, after: undefined, change: "removed" },
      { key: "fresh", before: undefined, after: true, change: "added" },
    ]);
  });

  it("treats a missing side as no value, so a creation is all additions", () => {
    expect(diffAuditValues(null, { name: "fraud" })).toEqual([
      { key: "name", before: undefined, after: "fraud", change: "added" },
    ]);
    expect(diffAuditValues({ name: "fraud" }, undefined)).toEqual([
      { key: "name", before: "fraud", after: undefined, change: "removed" },
    ]);
    expect(diffAuditValues(null, null)).toEqual([]);
  });

  it("compares nested values by content, not key order", () => {
    const [entry] = diffAuditValues({ sig: { a: 1, b: [1, 2] } }, { sig: { b: [1, 2], a: 1 } });
    expect(entry?.change).toBe("unchanged");
    const [changed] = diffAuditValues({ tags: ["a", "b"] }, { tags: ["b", "a"] });
    expect(changed?.change).toBe("changed");
  });

  it("compares non-object values as a whole", () => {
    expect(diffAuditValues("on", "off")).toEqual([{ key: "(value)", before: "on", after: "off", change: "changed" }]);
    expect(diffAuditValues([1], { a: 1 })).toEqual([
      { key: "(value)", before: [1], after: { a: 1 }, change: "changed" },
    ]);
  });
});

describe("formatDiffValue", () => {
  it("shows strings as they are, other values as JSON, and absence as a dash", () => {
    expect(formatDiffValue("ADMIN")).toBe("ADMIN");
    expect(formatDiffValue(null)).toBe("null");
    expect(formatDiffValue({ a: [1] })).toBe('{"a":[1]}');
    expect(formatDiffValue(undefined)).toBe("—");
  });
});
