import { describe, expect, it } from "vitest";
import { can } from "@/server/auth/roles";
import { ROLES } from "@/contracts/enums";

describe("role permissions", () => {
  it("lets every role read", () => {
    for (const role of ROLES) expect(can(role, "read")).toBe(true);
  });

  it("lets only data scientists and admins write models and runs", () => {
    const writers = ROLES.filter((r) => can(r, "models:write"));
    expect(writers).toEqual(["DATA_SCIENTIST", "ADMIN"]);
    expect(ROLES.filter((r) => can(r, "experiments:write"))).toEqual(["DATA_SCIENTIST", "ADMIN"]);
  });

  it("keeps user management to admins and approvals away from viewers and data scientists", () => {
    expect(ROLES.filter((r) => can(r, "users:manage"))).toEqual(["ADMIN"]);
    expect(can("VIEWER", "promotions:approve")).toBe(false);
    expect(can("DATA_SCIENTIST", "promotions:approve")).toBe(false);
    expect(can("REVIEWER", "promotions:approve")).toBe(true);
  });
});
