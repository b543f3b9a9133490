import { describe, expect, it } from "vitest";
import type { OnlineFeatures } from "@/contracts/online-features";
import {
  editableInForm,
  formValuesOf,
  onlineFeaturesFormSchema,
} from "@/components/endpoints/online-features-form-schema";

const setting: OnlineFeatures = {
  lookup: {
    featureGroup: "card-activity",
    entityKey: "card_id",
    storedFeatures: ["tx_count_1h"],
    requestFeatures: [{ name: "hour", transform: "utc_hour", from: ["timestamp"] }],
  },
  fallback: {
    rules: [{ when: [{ field: "amount", op: ">=", value: 1000 }], outputs: { p: 0.9 } }],
    otherwise: { p: 0.02 },
  },
};

describe("the online-features form", () => {
  it("gives back the setting it was filled from", () => {
    const parsed = onlineFeaturesFormSchema.safeParse(formValuesOf("e1", setting, "p"));
    expect(parsed.success && parsed.data).toEqual({ endpointId: "e1", onlineFeatures: setting });
  });

  it("saves null with both parts off, and refuses a rule whose value is not a number", () => {
    const off = { ...formValuesOf("e1", setting, "p"), lookupEnabled: false, fallbackEnabled: false };
    expect(onlineFeaturesFormSchema.parse(off)).toEqual({ endpointId: "e1", onlineFeatures: null });
    const values = formValuesOf("e1", setting, "p");
    values.rules[0]!.value = "a lot";
    expect(onlineFeaturesFormSchema.safeParse(values).success).toBe(false);
  });

  it("edits no setting and single-condition rules; leaves richer rules to the API", () => {
    expect(editableInForm(null)).toBe(true);
    expect(editableInForm(setting)).toBe(true);
    const richer = structuredClone(setting);
    richer.fallback!.rules[0]!.when.push({ field: "is_foreign", op: "==", value: 1 });
    expect(editableInForm(richer)).toBe(false);
  });
});
