import { describe, expect, it } from "vitest";
import { auditEntityLink } from "@/components/admin/audit-entity-href";
import { auditQueryInput, auditStateFromParams, hasFilters, localDay } from "@/components/admin/audit-url";

describe("auditStateFromParams", () => {
  it("keeps valid filters and one cursor, dropping malformed values", () => {
    const state = auditStateFromParams(
      new URLSearchParams(
        "action=user.role.update&actor=u1&from=2025-02-30&to=2025-03-31&entityId=%20&before=42&after=7&junk=1",
      ),
    );
    expect(state).toEqual({ action: "user.role.update", actor: "u1", to: "2025-03-31", before: "42" });
    expect(auditStateFromParams(new URLSearchParams("before=1;drop&after=9"))).toEqual({ after: "9" });
    expect(hasFilters(state)).toBe(true);
    expect(hasFilters({ before: "42" })).toBe(false);
  });
});

describe("auditQueryInput", () => {
  it("turns the inclusive day range into local [from, next day) and maps actor to actorId", () => {
    const input = auditQueryInput({ from: "2025-03-01", to: "2025-03-31", actor: "u1", after: "5" }, 50);
    expect(input).toMatchObject({ actorId: "u1", after: "5", pageSize: 50 });
    expect(input.from).toEqual(new Date(2025, 2, 1));
    expect(input.to).toEqual(new Date(2025, 3, 1));
  });

  it("rejects impossible days", () => {
    expect(localDay("2025-02-29")).toBeNull();
    expect(localDay("2024-02-29")).toEqual(new Date(2024, 1, 29));
    expect(localDay("2024-12-31", 1)).toEqual(new Date(2025, 0, 1));
    expect(localDay("31/12/2024")).toBeNull();
  });
});

describe("auditEntityLink", () => {
  it("links users to the users page and names tokens without a link", () => {
    expect(auditEntityLink({ kind: "user", name: "Ada", email: "ada+x@corp.test" })).toEqual({
      href: "/admin/users?q=ada%2Bx%40corp.test",
      label: "Ada",
    });
    expect(auditEntityLink({ kind: "token", name: "ci", prefix: "mp_abc" })).toEqual({
      href: null,
      label: "ci (mp_abc…)",
    });
  });

  it("links models, versions, aliases, experiments and runs to their pages", () => {
    expect(auditEntityLink({ kind: "model", name: "fraud gbm" })).toEqual({
      href: "/models/fraud%20gbm",
      label: "fraud gbm",
    });
    expect(auditEntityLink({ kind: "version", modelName: "fraud", version: 3 })).toEqual({
      href: "/models/fraud/versions/3",
      label: "fraud v3",
    });
    expect(auditEntityLink({ kind: "alias", modelName: "fraud", alias: "production" })).toEqual({
      href: "/models/fraud",
      label: "fraud@production",
    });
    expect(auditEntityLink({ kind: "experiment", id: "e1", name: "exp" })).toEqual({
      href: "/experiments/e1",
      label: "exp",
    });
    expect(auditEntityLink({ kind: "run", id: "r1", name: "run", experimentId: "e1" })).toEqual({
      href: "/experiments/e1/runs/r1",
      label: "run",
    });
  });
});
