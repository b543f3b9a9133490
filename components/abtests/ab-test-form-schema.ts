import { z } from "zod";
import { AB_METRIC_KEYS, abMetricKeySchema, createAbTestInput, type AbMetricKey } from "@/contracts/abtests";

/**
 * The set-up form holds text (what inputs give) and turns it into the server's input, checked by the same contract
 * the server uses, so the form and the server refuse the same things with the same words.
 */
export type AbTestFormValues = {
  name: string;
  assignment: "REQUEST" | "STICKY";
  challengers: { version: string; weight: string }[];
  primaryMetric: AbMetricKey;
  mde: string;
  alpha: string;
  power: string;
  baseline: string;
  guardrails: AbMetricKey[];
  secondary: AbMetricKey[];
};

const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));
const optionalNumber = (text: string) => (text.trim() === "" ? undefined : Number(text));

/** The percentage the champion keeps: what the challengers leave. */
export function championWeightOf(challengers: readonly { weight: string }[]): number {
  return 100 - challengers.reduce((sum, challenger) => sum + (Number.parseInt(challenger.weight, 10) || 0), 0);
}

/** The server's input; the primary metric is dropped from the other roles (its row is hidden once chosen). */
export function toCreateInput(endpointName: string, values: AbTestFormValues): z.input<typeof createAbTestInput> {
  const notPrimary = (key: AbMetricKey) => key !== values.primaryMetric;
  return {
    endpointName,
    name: values.name,
    assignment: values.assignment,
    championWeight: championWeightOf(values.challengers),
    challengers: values.challengers.map((challenger) => ({
      version: number(challenger.version),
      weight: number(challenger.weight),
    })),
    preRegistration: {
      primaryMetric: values.primaryMetric,
      mde: number(values.mde),
      alpha: number(values.alpha),
      power: number(values.power),
      baseline: optionalNumber(values.baseline),
    },
    guardrails: values.guardrails.filter(notPrimary),
    secondary: values.secondary.filter(notPrimary),
  };
}

export const abTestFormSchema = (endpointName: string) =>
  z
    .object({
      name: z.string(),
      assignment: z.enum(["REQUEST", "STICKY"]),
      challengers: z.array(z.object({ version: z.string(), weight: z.string() })),
      primaryMetric: abMetricKeySchema,
      mde: z.string(),
      alpha: z.string(),
      power: z.string(),
      baseline: z.string(),
      guardrails: z.array(z.enum(AB_METRIC_KEYS)),
      secondary: z.array(z.enum(AB_METRIC_KEYS)),
    })
    .transform((values) => toCreateInput(endpointName, values))
    .pipe(createAbTestInput);

/** Where the contract's paths show on the form. */
export const AB_FORM_ALIASES = {
  "preRegistration.primaryMetric": "primaryMetric",
  "preRegistration.mde": "mde",
  "preRegistration.alpha": "alpha",
  "preRegistration.power": "power",
  "preRegistration.baseline": "baseline",
  championWeight: "challengers",
} as const;
