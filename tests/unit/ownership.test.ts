import { describe, expect, it } from "vitest";
import { ROLES } from "@/contracts/enums";
import { decideChange, isOwningTeamMember, type Owner } from "@/contracts/ownership";

const fraud: Owner = { kind: "team", teamId: "fraud", teamName: "Fraud & Risk", what: 'Model "fraud-gbm"' };

describe("team ownership policy", () => {
  it("lets members of the owning team and admins change it, and nobody else", () => {
    for (const role of ROLES) {
      expect(decideChange({ userId: "u", role, teamId: "fraud" }, fraud)).toEqual({ allowed: true });
      expect(decideChange({ userId: "u", role, teamId: "logistics" }, fraud).allowed).toBe(role === "ADMIN");
      expect(decideChange({ userId: "u", role, teamId: null }, fraud).allowed).toBe(role === "ADMIN");
    }
  });

  it("names the owning team when it refuses", () => {
    expect(decideChange({ userId: "u", role: "DATA_SCIENTIST", teamId: "logistics" }, fraud)).toEqual({
      allowed: false,
      reason: 'Model "fraud-gbm" belongs to team "Fraud & Risk": only its members (or an admin) may change it',
    });
    expect(decideChange({ userId: "u", role: "MANAGER", teamId: null }, fraud)).toMatchObject({
      reason: expect.stringMatching(/^You belong to no team, .*owned by team "Fraud & Risk"/),
    });
  });

  it("leaves legacy experiments without a team to their creator and admins", () => {
    const legacy: Owner = { kind: "legacy", createdById: "creator", what: 'Experiment "old"' };
    expect(decideChange({ userId: "creator", role: "DATA_SCIENTIST", teamId: null }, legacy).allowed).toBe(true);
    expect(decideChange({ userId: "other", role: "DATA_SCIENTIST", teamId: "fraud" }, legacy).allowed).toBe(false);
    expect(decideChange({ userId: "other", role: "ADMIN", teamId: null }, legacy).allowed).toBe(true);
  });

  it("lets only admins create something that would belong to no team", () => {
    const unowned: Owner = { kind: "unowned", what: 'Experiment "x"' };
    expect(decideChange({ userId: "u", role: "DATA_SCIENTIST", teamId: null }, unowned)).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/would belong to no team \(you are in none\): only an admin may do this/),
    });
    expect(decideChange({ userId: "u", role: "ADMIN", teamId: null }, unowned).allowed).toBe(true);
  });

  it("answers the UI's question the same way", () => {
    expect(isOwningTeamMember({ role: "DATA_SCIENTIST", teamId: "fraud" }, "fraud")).toBe(true);
    expect(isOwningTeamMember({ role: "DATA_SCIENTIST", teamId: "logistics" }, "fraud")).toBe(false);
    expect(isOwningTeamMember({ role: "ADMIN", teamId: null }, "fraud")).toBe(true);
  });
});
