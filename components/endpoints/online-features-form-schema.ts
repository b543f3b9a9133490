import { z } from "zod";
import {
  onlineFeaturesSchema,
  setOnlineFeaturesInput,
  type OnlineFeatures,
  type RequestTransform,
} from "@/contracts/online-features";

export const COMPARISON_OPTIONS = [">", ">=", "<", "<=", "==", "!="] as const;

/** The form's values: text fields as typed, turned into the contract's shape on submit. */
export const onlineFeaturesFormValues = z.object({
  endpointId: z.string(),
  lookupEnabled: z.boolean(),
  featureGroup: z.string(),
  entityKey: z.string(),
  storedFeatures: z.array(z.string()),
  requestFeatures: z.array(z.object({ name: z.string(), transform: z.string(), from: z.string() })),
  fallbackEnabled: z.boolean(),
  output: z.string(),
  rules: z.array(z.object({ field: z.string(), op: z.enum(COMPARISON_OPTIONS), value: z.string(), score: z.string() })),
  otherwise: z.string(),
});
export type OnlineFeaturesFormValues = z.infer<typeof onlineFeaturesFormValues>;

const fields = (text: string) =>
  text
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);

/** Text a person typed as a number; NaN (refused by the contract with its message) when it is not one. */
const numberOf = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

function toSetting(values: OnlineFeaturesFormValues): z.input<typeof onlineFeaturesSchema> | null {
  if (!values.lookupEnabled && !values.fallbackEnabled) return null;
  return {
    ...(values.lookupEnabled && {
      lookup: {
        featureGroup: values.featureGroup,
        entityKey: values.entityKey.trim(),
        storedFeatures: values.storedFeatures,
        requestFeatures: values.requestFeatures.map((f) => ({
          name: f.name.trim(),
          transform: f.transform as RequestTransform,
          from: fields(f.from),
        })),
      },
    }),
    ...(values.fallbackEnabled && {
      fallback: {
        rules: values.rules.map((rule) => ({
          when: [{ field: rule.field.trim(), op: rule.op, value: numberOf(rule.value) }],
          outputs: { [values.output]: numberOf(rule.score) },
        })),
        otherwise: { [values.output]: numberOf(values.otherwise) },
      },
    }),
  };
}

/** The form, checked by the same contract the service checks (messages land on the fields they name). */
export const onlineFeaturesFormSchema = onlineFeaturesFormValues
  .transform((values) => ({ endpointId: values.endpointId, onlineFeatures: toSetting(values) }))
  .pipe(setOnlineFeaturesInput);

/** The form's starting values from the endpoint's setting. */
export function formValuesOf(
  endpointId: string,
  setting: OnlineFeatures | null,
  defaultOutput: string,
): OnlineFeaturesFormValues {
  const lookup = setting?.lookup;
  const fallback = setting?.fallback;
  const output = Object.keys(fallback?.otherwise ?? {})[0] ?? defaultOutput;
  return {
    endpointId,
    lookupEnabled: lookup !== undefined,
    featureGroup: lookup?.featureGroup ?? "",
    entityKey: lookup?.entityKey ?? "",
    storedFeatures: lookup?.storedFeatures ?? [],
    requestFeatures: (lookup?.requestFeatures ?? []).map((f) => ({ ...f, from: f.from.join(", ") })),
    fallbackEnabled: fallback !== undefined,
    output,
    rules: (fallback?.rules ?? []).map((rule) => ({
      field: rule.when[0]!.field,
      op: rule.when[0]!.op,
      value: String(rule.when[0]!.value),
      score: String(rule.outputs[output] ?? ""),
    })),
    otherwise: String(fallback?.otherwise[output] ?? ""),
  };
}

/** Rules with more than one condition or output are shown but can only be replaced as a whole here. */
export const editableInForm = (setting: OnlineFeatures | null) =>
  setting === null ||
  ((setting.fallback?.rules ?? []).every((rule) => rule.when.length === 1 && Object.keys(rule.outputs).length === 1) &&
    Object.keys(setting.fallback?.otherwise ?? { output: 0 }).length === 1);
