import { z } from "zod";
import { LABEL_STRATA, type LabelStratum } from "@/contracts/label-strata";
import {
  createLabelQueueInput,
  samplingSettingsSchema,
  updateLabelQueueInput,
  type LabelSchema,
  type SamplingSettings,
} from "@/contracts/labels";

/**
 * The queue forms hold text (what inputs give) and turn it into the server's input, validated by the same contract
 * schemas the server uses (so a form error and a server refusal say the same thing).
 */

export type SamplingFormValues = {
  overlap: string;
  dailyBudget: string;
  rates: Record<LabelStratum, string>;
  uncertaintyBand: string;
  disagreementWindowSeconds: string;
  driftWorstBins: string;
  driftMinPsi: string;
};

export type SchemaKind = "default" | LabelSchema["kind"];

export type CreateQueueFormValues = SamplingFormValues & {
  modelName: string;
  name: string;
  schemaKind: SchemaKind;
  classes: string;
  min: string;
  max: string;
  scale: string;
  comment: boolean;
};

type CreateInput = z.input<typeof createLabelQueueInput>;

const numberOrNaN = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));
const optionalNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));

export function samplingFormDefaults(
  settings: SamplingSettings,
  overlap: number,
  dailyBudget: number,
): SamplingFormValues {
  return {
    overlap: String(overlap),
    dailyBudget: String(dailyBudget),
    rates: Object.fromEntries(LABEL_STRATA.map((s) => [s, String(settings.rates[s])])) as Record<LabelStratum, string>,
    uncertaintyBand: String(settings.uncertaintyBand),
    disagreementWindowSeconds: String(settings.disagreementWindowSeconds),
    driftWorstBins: String(settings.driftWorstBins),
    driftMinPsi: String(settings.driftMinPsi),
  };
}

function samplingOf(values: SamplingFormValues): Pick<CreateInput, "overlap" | "dailyBudget" | "sampling"> {
  const rate = (stratum: LabelStratum) => numberOrNaN(values.rates[stratum]);
  return {
    overlap: numberOrNaN(values.overlap),
    dailyBudget: numberOrNaN(values.dailyBudget),
    sampling: {
      rates: {
        AUDIT: rate("AUDIT"),
        UNCERTAINTY: rate("UNCERTAINTY"),
        DISAGREEMENT: rate("DISAGREEMENT"),
        DRIFT: rate("DRIFT"),
        FLAGGED: rate("FLAGGED"),
      },
      uncertaintyBand: numberOrNaN(values.uncertaintyBand),
      disagreementWindowSeconds: numberOrNaN(values.disagreementWindowSeconds),
      driftWorstBins: numberOrNaN(values.driftWorstBins),
      driftMinPsi: numberOrNaN(values.driftMinPsi),
    },
  };
}

function labelSchemaOf(values: CreateQueueFormValues): CreateInput["labelSchema"] {
  switch (values.schemaKind) {
    case "default":
      return undefined;
    case "classes":
      return {
        kind: "classes",
        classes: values.classes
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean),
      };
    case "number":
      return { kind: "number", min: optionalNumber(values.min), max: optionalNumber(values.max) };
    case "rating":
      return { kind: "rating", scale: numberOrNaN(values.scale), comment: values.comment };
  }
}

const text = z.string();
const samplingText = {
  overlap: text,
  dailyBudget: text,
  rates: z.object(Object.fromEntries(LABEL_STRATA.map((s) => [s, text])) as Record<LabelStratum, typeof text>),
  uncertaintyBand: text,
  disagreementWindowSeconds: text,
  driftWorstBins: text,
  driftMinPsi: text,
};

export const createQueueFormSchema = z
  .object({
    ...samplingText,
    modelName: text,
    name: text,
    schemaKind: z.enum(["default", "classes", "number", "rating"]),
    classes: text,
    min: text,
    max: text,
    scale: text,
    comment: z.boolean(),
  })
  .transform((values): CreateInput => ({
    modelName: values.modelName.trim(),
    name: values.name,
    labelSchema: labelSchemaOf(values),
    ...samplingOf(values),
  }))
  .pipe(createLabelQueueInput);

export const updateQueueFormSchema = (queueId: string) =>
  z
    .object({ ...samplingText, name: text })
    .transform((values): z.input<typeof updateLabelQueueInput> => ({
      queueId,
      name: values.name,
      ...samplingOf(values),
    }))
    .pipe(updateLabelQueueInput);

export const defaultSampling = samplingSettingsSchema.parse({});

/** Form field names of the server's input paths, so a refusal lands on its field. */
export const SAMPLING_FIELD_ALIASES: Record<string, keyof SamplingFormValues | `rates.${LabelStratum}`> = {
  "sampling.uncertaintyBand": "uncertaintyBand",
  "sampling.disagreementWindowSeconds": "disagreementWindowSeconds",
  "sampling.driftWorstBins": "driftWorstBins",
  "sampling.driftMinPsi": "driftMinPsi",
  ...Object.fromEntries(LABEL_STRATA.map((s) => [`sampling.rates.${s}`, `rates.${s}` as const])),
};
