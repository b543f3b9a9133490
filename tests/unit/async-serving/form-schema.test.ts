import { describe, expect, it } from "vitest";
import type { AsyncServing } from "@/contracts/async-serving";
import { asyncServingFormSchema, formValuesOf } from "@/components/endpoints/async-serving-form-schema";

const SERVING: AsyncServing = {
  maxConcurrentInvocationsPerInstance: 6,
  invocationTimeoutSeconds: 1200,
  scaling: { minInstances: 0, maxInstances: 3, backlogPerInstance: 2.5 },
};

const issuesOf = (values: ReturnType<typeof formValuesOf>) => {
  const parsed = asyncServingFormSchema.safeParse(values);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("the serving-mode form ↔ the contract", () => {
  it("round-trips a saved setting, without scaling too, and real time as null", () => {
    for (const serving of [SERVING, { ...SERVING, scaling: null }, null])
      expect(asyncServingFormSchema.parse(formValuesOf("e1", serving))).toEqual({ endpointId: "e1", serving });
  });

  it("puts each refusal on the field it is about", () => {
    const values = formValuesOf("e1", SERVING);
    expect(issuesOf({ ...values, minInstances: "4" })).toEqual([
      "minInstances: The fewest instances cannot exceed the most",
    ]);
    expect(issuesOf({ ...values, concurrency: "1001" })[0]).toMatch(/^concurrency: /);
    expect(issuesOf({ ...values, timeoutSeconds: "0" })[0]).toMatch(/^timeoutSeconds: /);
    expect(issuesOf({ ...values, maxInstances: "" })[0]).toMatch(/^maxInstances: /);
    expect(issuesOf({ ...values, backlogPerInstance: "-1" })[0]).toMatch(/^backlogPerInstance: /);
  });

  it("ignores the fields of a mode that is off", () => {
    const off = { ...formValuesOf("e1", SERVING), enabled: false, concurrency: "nonsense" };
    expect(asyncServingFormSchema.parse(off)).toEqual({ endpointId: "e1", serving: null });
    const unscaled = { ...formValuesOf("e1", SERVING), scaled: false, minInstances: "9" };
    expect(asyncServingFormSchema.parse(unscaled).serving?.scaling).toBeNull();
  });
});
