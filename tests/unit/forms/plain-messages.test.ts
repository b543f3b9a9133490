import { describe, expect, it } from "vitest";
import { z } from "zod";
import { plainMessages } from "@/components/forms/plain-messages";

describe("plainMessages", () => {
  const schema = z.object({ days: z.number().int().min(1, "At least a day"), name: z.string() });

  it("says 'Enter a number' for a number field left empty or unreadable", () => {
    const result = schema.safeParse({ days: Number.NaN, name: "x" }, plainMessages);
    expect(result.error?.issues.map((i) => i.message)).toEqual(["Enter a number"]);
  });

  it("leaves the schema's own messages and other type errors alone", () => {
    const result = schema.safeParse({ days: 0, name: 3 }, plainMessages);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      "At least a day",
      "Invalid input: expected string, received number",
    ]);
  });
});
