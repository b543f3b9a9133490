import { describe, expect, it } from "vitest";
import { oidcIdentityClaims } from "@/server/auth/oidc";

const ISS = "https://idp.example.test";

describe("oidcIdentityClaims", () => {
  it("reads issuer, subject, email, verification and name", () => {
    expect(
      oidcIdentityClaims({ iss: ISS, sub: "s1", email: "a@example.test", email_verified: true, name: "A" }),
    ).toEqual({ issuer: ISS, subject: "s1", email: "a@example.test", emailVerified: true, name: "A" });
  });

  it('takes a missing email_verified as unverified, and the string "true" as verified', () => {
    expect(oidcIdentityClaims({ iss: ISS, sub: "s1", email: "a@example.test" })?.emailVerified).toBe(false);
    expect(oidcIdentityClaims({ iss: ISS, sub: "s1", email_verified: "true" })?.emailVerified).toBe(true);
  });

  it("falls back to preferred_username for the name, and null for what is missing", () => {
    expect(oidcIdentityClaims({ iss: ISS, sub: "s1", preferred_username: "ann" })).toEqual({
      issuer: ISS,
      subject: "s1",
      email: null,
      emailVerified: false,
      name: "ann",
    });
  });

  it("is null without an issuer or a subject", () => {
    expect(oidcIdentityClaims({ sub: "s1", email: "a@example.test" })).toBeNull();
    expect(oidcIdentityClaims({ iss: ISS })).toBeNull();
    expect(oidcIdentityClaims(undefined)).toBeNull();
  });
});
