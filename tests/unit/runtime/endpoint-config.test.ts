import { describe, expect, it } from "vitest";
import { endpointConfigSchema, type EndpointConfigInput } from "@/contracts/runtime-control";
import type { Signature } from "@/contracts/signature";

const signature: Signature = {
  inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

const variant = (variantName: string, weight: number, extra: object = {}) => ({
  variantName,
  modelPath: `/models/${variantName}.onnx`,
  sha256: "a".repeat(64),
  signature,
  weight,
  ...extra,
});

const parse = (config: EndpointConfigInput) => endpointConfigSchema.safeParse(config);
const messages = (config: EndpointConfigInput) => {
  const result = parse(config);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe("endpointConfigSchema: routing", () => {
  const variants = [variant("control", 50), variant("treatment", 50)];

  it("takes no routing (unsalted) or a salt of 1–64 letters, digits, '_' and '-'", () => {
    expect(parse({ variants }).data?.routing).toBeUndefined();
    for (const salt of ["a", "checkout_test-2026", "Z".repeat(64)])
      expect(parse({ variants, routing: { salt } }).data?.routing).toEqual({ salt });
  });

  it("refuses an empty, too long or oddly spelt salt", () => {
    for (const salt of ["", "x".repeat(65), "has space", "new\nline", "é"])
      expect(messages({ variants, routing: { salt } }), JSON.stringify(salt)).toContain(
        "A routing salt is 1–64 letters, digits, '_' or '-'",
      );
  });
});
