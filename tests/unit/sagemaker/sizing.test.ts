import { describe, expect, it } from "vitest";
import { mockedTarget, variant } from "@/tests/unit/sagemaker/helpers";

describe("SageMaker sizing recorded for cost", () => {
  it("uses the configured instance type and count when the variant names none", () => {
    const { target } = mockedTarget({ defaultInstanceType: "ml.c5.xlarge", defaultInstanceCount: 2 });
    expect(target.sizing(variant(1, 100))).toEqual({ instanceType: "ml.c5.xlarge", instanceCount: 2 });
  });

  it("keeps the variant's own sizing", () => {
    const { target } = mockedTarget();
    expect(target.sizing(variant(1, 100, { instanceType: "ml.g5.xlarge", instanceCount: 3 }))).toEqual({
      instanceType: "ml.g5.xlarge",
      instanceCount: 3,
    });
  });
});
