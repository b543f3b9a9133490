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

describe("endpointConfigSchema: shadow variants", () => {
  const shadow = (name: string, weight = 0) => variant(name, weight, { shadow: true });

  it("takes shadows at weight 0 beside live variants whose weights sum to 100", () => {
    const parsed = parse({ variants: [variant("live", 100), shadow("challenger"), shadow("candidate")] });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.variants.map((v) => v.shadow)).toEqual([undefined, true, true]);
    expect(parse({ variants: [variant("a", 40), variant("b", 60), shadow("c")] }).success).toBe(true);
  });

  it("refuses a shadow with traffic", () => {
    expect(messages({ variants: [variant("live", 90), shadow("challenger", 10)] })).toContain(
      'Shadow variant "challenger" gets no live traffic: its weight must be 0',
    );
  });

  it("refuses an endpoint of shadows only", () => {
    expect(messages({ variants: [shadow("a"), shadow("b")] })).toEqual(["At least one variant must not be a shadow"]);
  });

  it("refuses more than 4 shadows", () => {
    const four = [1, 2, 3, 4].map((i) => shadow(`s${i}`));
    expect(parse({ variants: [variant("live", 100), ...four] }).success).toBe(true);
    expect(messages({ variants: [variant("live", 100), ...four, shadow("s5")] })).toEqual([
      "At most 4 shadow variants",
    ]);
  });

  it("still needs the live weights to sum to 100", () => {
    expect(messages({ variants: [variant("a", 40), variant("b", 50), shadow("c")] })).toEqual([
      "Variant weights must sum to 100",
    ]);
  });
});
