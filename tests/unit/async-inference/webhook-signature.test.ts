import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhookSignature } from "@/lib/webhook-signature";

const SECRET = "whsec-unit-0123456789";
const BODY = JSON.stringify({ invocationId: "abc", status: "SUCCEEDED" });

describe("webhook signatures", () => {
  it("verify what was signed, at the time it was signed", () => {
    const header = signWebhook(SECRET, BODY, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, header, BODY, 1_800_000_000)).toEqual({ valid: true });
  });

  it("refuse another secret, a changed body, a moved timestamp and a replay past the tolerance", () => {
    const header = signWebhook(SECRET, BODY, 1_800_000_000);
    expect(verifyWebhookSignature("whsec-another-0123456", header, BODY, 1_800_000_000).valid).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, 1_800_000_000).valid).toBe(false);
    const moved = header.replace("t=1800000000", "t=1800000100");
    expect(verifyWebhookSignature(SECRET, moved, BODY, 1_800_000_100).valid).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, BODY, 1_800_000_301)).toEqual({
      valid: false,
      reason: "too old or too new",
    });
  });

  it("refuse malformed headers without throwing", () => {
    for (const header of [null, "", "v1=00", "t=1,v1=zz", `t=1800000000,v1=${"0".repeat(63)}`])
      expect(verifyWebhookSignature(SECRET, header, BODY, 1_800_000_000).valid).toBe(false);
  });
});
