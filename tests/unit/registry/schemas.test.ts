import { describe, expect, it } from "vitest";
import { aliasNameSchema, createModelInput, modelNameSchema, tagsSchema } from "@/contracts/registry";
import { signatureSchema } from "@/contracts/signature";
import { readSignature } from "@/server/services/registry/version-view";

describe("registry input rules", () => {
  it("accepts URL-safe model names only", () => {
    for (const ok of ["fraud", "Fraud-Detector_v2.onnx", "7", "a".repeat(128)])
      expect(modelNameSchema.safeParse(ok).success).toBe(true);
    for (const bad of ["", ".hidden", "_x", "a b", "a/b", "a?b", "a".repeat(129)])
      expect(modelNameSchema.safeParse(bad).success).toBe(false);
  });

  it("accepts lower-case aliases and reserves `latest`", () => {
    for (const ok of ["production", "champion_2", "a-b", "a".repeat(40)])
      expect(aliasNameSchema.safeParse(ok).success).toBe(true);
    for (const bad of ["latest", "Production", "2nd", "-x", "a".repeat(41), ""])
      expect(aliasNameSchema.safeParse(bad).success).toBe(false);
  });

  it("lower-cases, trims and deduplicates tags before counting them", () => {
    expect(tagsSchema.parse([" Fraud", "fraud", "TABULAR"])).toEqual(["fraud", "tabular"]);
    expect(tagsSchema.safeParse(Array.from({ length: 25 }, (_, i) => `t${i % 20}`)).success).toBe(true);
    expect(tagsSchema.safeParse(Array.from({ length: 21 }, (_, i) => `t${i}`)).success).toBe(false);
    expect(tagsSchema.safeParse(["has space"]).success).toBe(false);
  });

  it("requires a task type when creating a model", () => {
    expect(createModelInput.safeParse({ name: "m" }).success).toBe(false);
    expect(createModelInput.safeParse({ name: "m", taskType: "LLM" }).success).toBe(true);
  });

  it("validates signatures and reads back only valid ones", () => {
    const valid = {
      inputs: [{ name: "x", type: "float64", shape: [null, -1, 3] }],
      outputs: [{ name: "y", type: "bool" }],
    };
    expect(signatureSchema.safeParse(valid).success).toBe(true);
    expect(
      signatureSchema.safeParse({ inputs: [{ name: "x", type: "float16" }], outputs: [{ name: "y", type: "bool" }] })
        .success,
    ).toBe(false);
    expect(signatureSchema.safeParse({ inputs: [], outputs: [{ name: "y", type: "bool" }] }).success).toBe(false);
    expect(readSignature(valid)).toEqual(valid);
    expect(readSignature({})).toBeNull();
  });
});
