import { z } from "zod";
import {
  asyncServingSchema,
  setAsyncServingInput,
  type AsyncScaling,
  type AsyncServing,
} from "@/contracts/async-serving";

/** What the form holds: text fields as typed, checkboxes as booleans. */
export type AsyncServingFormValues = {
  endpointId: string;
  enabled: boolean;
  concurrency: string;
  timeoutSeconds: string;
  scaled: boolean;
  minInstances: string;
  maxInstances: string;
  backlogPerInstance: string;
};

/** The defaults a first asynchronous setting starts from: sleeps when idle, up to 2 instances, 5 queued each. */
const DEFAULT_SCALING: AsyncScaling = { minInstances: 0, maxInstances: 2, backlogPerInstance: 5 };
const DEFAULTS: AsyncServing = {
  maxConcurrentInvocationsPerInstance: 4,
  invocationTimeoutSeconds: 900,
  scaling: DEFAULT_SCALING,
};

export function formValuesOf(endpointId: string, serving: AsyncServing | null): AsyncServingFormValues {
  const shown = serving ?? DEFAULTS;
  const scaling = shown.scaling ?? DEFAULT_SCALING;
  return {
    endpointId,
    enabled: serving !== null,
    concurrency: String(shown.maxConcurrentInvocationsPerInstance),
    timeoutSeconds: String(shown.invocationTimeoutSeconds),
    scaled: serving === null || serving.scaling !== null,
    minInstances: String(scaling.minInstances),
    maxInstances: String(scaling.maxInstances),
    backlogPerInstance: String(scaling.backlogPerInstance),
  };
}

const FIELD_OF: Record<string, keyof AsyncServingFormValues> = {
  maxConcurrentInvocationsPerInstance: "concurrency",
  invocationTimeoutSeconds: "timeoutSeconds",
  minInstances: "minInstances",
  maxInstances: "maxInstances",
  backlogPerInstance: "backlogPerInstance",
};

type RawValues = Partial<Record<keyof AsyncServingFormValues, string | boolean>>;

function servingOf(values: RawValues): AsyncServing | null {
  if (!values.enabled) return null;
  const number = (key: keyof AsyncServingFormValues) => Number(values[key] ?? NaN);
  return {
    maxConcurrentInvocationsPerInstance: number("concurrency"),
    invocationTimeoutSeconds: number("timeoutSeconds"),
    scaling: values.scaled
      ? {
          minInstances: number("minInstances"),
          maxInstances: number("maxInstances"),
          backlogPerInstance: number("backlogPerInstance"),
        }
      : null,
  };
}

/**
 * The form's values, checked by the contract the service checks; each refusal is put on the field it is about (the
 * contract's path, e.g. serving.scaling.minInstances, named after the form's input).
 */
export const asyncServingFormSchema = z
  .object({
    endpointId: z.string(),
    enabled: z.boolean(),
    concurrency: z.string().optional(),
    timeoutSeconds: z.string().optional(),
    scaled: z.boolean(),
    minInstances: z.string().optional(),
    maxInstances: z.string().optional(),
    backlogPerInstance: z.string().optional(),
  })
  .superRefine((values, ctx) => {
    const serving = servingOf(values);
    if (!serving) return;
    const checked = asyncServingSchema.safeParse(serving);
    for (const issue of checked.success ? [] : checked.error.issues) {
      const field = FIELD_OF[String(issue.path.at(-1))] ?? "concurrency";
      ctx.addIssue({ code: "custom", message: issue.message, path: [field] });
    }
  })
  .transform((values): z.input<typeof setAsyncServingInput> => ({
    endpointId: values.endpointId,
    serving: servingOf(values),
  }))
  .pipe(setAsyncServingInput);
