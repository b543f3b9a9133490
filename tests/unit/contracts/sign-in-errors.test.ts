import { describe, expect, it } from "vitest";
import { OIDC_REFUSALS, signInErrorMessage } from "@/contracts/sign-in-errors";

describe("signInErrorMessage", () => {
  it("explains every OIDC refusal in its own words", () => {
    const messages = OIDC_REFUSALS.map(signInErrorMessage);
    expect(new Set(messages).size).toBe(OIDC_REFUSALS.length);
    for (const message of messages) expect(message).not.toMatch(/Sign-in failed/);
  });

  it("names an unknown code, and does not mistake Object's own properties for codes", () => {
    expect(signInErrorMessage("Weird")).toBe("Sign-in failed (Weird). Try again.");
    expect(signInErrorMessage("constructor")).toBe("Sign-in failed (constructor). Try again.");
  });
});
