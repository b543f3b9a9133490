import { describe, expect, it } from "vitest";
import { containerResources } from "@/server/integrations/kubernetes/resources";
import { config, onnxVariant } from "@/tests/unit/kubernetes/samples";

const defaults = { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "2Gi" } };

describe("containerResources", () => {
  it("reads the flavour's own default name, as a serving variant's sizing was recorded, as the defaults", () => {
    expect(containerResources(onnxVariant({ instanceType: "k8s-onnx" }), defaults, config())).toBe(defaults);
    expect(containerResources(onnxVariant(), defaults, config())).toBe(defaults);
  });

  it("uses a named profile and refuses an unknown one", () => {
    const large = { requests: { cpu: "4", memory: "8Gi" }, limits: { memory: "8Gi" } };
    const withProfile = config({ resourceProfiles: { large } });
    expect(containerResources(onnxVariant({ instanceType: "large" }), defaults, withProfile)).toEqual(large);
    expect(() => containerResources(onnxVariant({ instanceType: "huge" }), defaults, withProfile)).toThrow(
      /unknown instance type "huge" \(known: large\)/,
    );
  });
});
