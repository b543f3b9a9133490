import { describe, expect, it } from "vitest";
import { componentHostingSchema, sameFleet, type ComponentHosting } from "@/contracts/component-hosting";
import { componentHostingFormSchema, formValuesOf } from "@/components/endpoints/component-hosting-form-schema";

const HOSTING: ComponentHosting = {
  instanceType: "ml.c5.xlarge",
  minInstances: 0,
  maxInstances: 3,
  cpuCores: 0.5,
  memoryMb: 512,
  scaleToZero: { maxCopies: 4, invocationsPerCopy: 60 },
};
const ENDPOINT = { modelName: "fraud", environment: "STAGING" as const };

describe("component hosting: contract and form", () => {
  it("round-trips a saved setting through the form unchanged", () => {
    const parsed = componentHostingFormSchema.safeParse(formValuesOf(ENDPOINT, HOSTING));
    expect(parsed.success && parsed.data).toEqual({ ...ENDPOINT, hosting: HOSTING });
    const off = componentHostingFormSchema.safeParse(formValuesOf(ENDPOINT, { ...HOSTING, scaleToZero: null }));
    expect(off.success && off.data.hosting?.scaleToZero).toBeNull();
  });

  it("an unticked box means dedicated instances, whatever the fields hold", () => {
    const values = { ...formValuesOf(ENDPOINT, HOSTING), enabled: false, memoryMb: "nonsense" };
    const parsed = componentHostingFormSchema.safeParse(values);
    expect(parsed.success && parsed.data.hosting).toBeNull();
  });

  it("puts each refusal on its field: bounds, quarters of a core, memory, instance type", () => {
    const refused = (change: Partial<ReturnType<typeof formValuesOf>>) => {
      const parsed = componentHostingFormSchema.safeParse({ ...formValuesOf(ENDPOINT, HOSTING), ...change });
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join("."));
    };
    expect(refused({ minInstances: "4" })).toEqual(["minInstances"]);
    expect(refused({ cpuCores: "0.3" })).toEqual(["cpuCores"]);
    expect(refused({ memoryMb: "127" })).toEqual(["memoryMb"]);
    expect(refused({ instanceType: "m5.large" })).toEqual(["instanceType"]);
    expect(refused({ maxCopies: "0" })).toEqual(["maxCopies"]);
  });

  it("the fleet is instance type and bounds; what a copy reserves is not part of it", () => {
    expect(sameFleet(HOSTING, { ...HOSTING, memoryMb: 2048, scaleToZero: null })).toBe(true);
    expect(sameFleet(HOSTING, { ...HOSTING, maxInstances: 4 })).toBe(false);
    expect(componentHostingSchema.safeParse({ ...HOSTING, extra: 1 }).success).toBe(false);
  });
});
