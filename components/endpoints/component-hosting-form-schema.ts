import { z } from "zod";
import { componentHostingSchema, setComponentHostingInput, type ComponentHosting } from "@/contracts/component-hosting";

/** What the form holds: text fields as typed, checkboxes as booleans. */
export type ComponentHostingFormValues = {
  modelName: string;
  environment: z.infer<typeof setComponentHostingInput>["environment"];
  enabled: boolean;
  instanceType: string;
  minInstances: string;
  maxInstances: string;
  cpuCores: string;
  memoryMb: string;
  scaled: boolean;
  maxCopies: string;
  invocationsPerCopy: string;
};

/** Where a first setting starts: one ml.m5.large at most, sleeping when idle, a core and 1 GB per copy. */
const DEFAULTS: ComponentHosting = {
  instanceType: "ml.m5.large",
  minInstances: 0,
  maxInstances: 1,
  cpuCores: 1,
  memoryMb: 1024,
  scaleToZero: { maxCopies: 2, invocationsPerCopy: 100 },
};

export function formValuesOf(
  endpoint: Pick<ComponentHostingFormValues, "modelName" | "environment">,
  hosting: ComponentHosting | null,
): ComponentHostingFormValues {
  const shown = hosting ?? DEFAULTS;
  const scaling = shown.scaleToZero ?? DEFAULTS.scaleToZero!;
  return {
    ...endpoint,
    enabled: hosting !== null,
    instanceType: shown.instanceType,
    minInstances: String(shown.minInstances),
    maxInstances: String(shown.maxInstances),
    cpuCores: String(shown.cpuCores),
    memoryMb: String(shown.memoryMb),
    scaled: hosting === null || hosting.scaleToZero !== null,
    maxCopies: String(scaling.maxCopies),
    invocationsPerCopy: String(scaling.invocationsPerCopy),
  };
}

type RawValues = Partial<Record<keyof ComponentHostingFormValues, string | boolean>>;

function hostingOf(values: RawValues): ComponentHosting | null {
  if (!values.enabled) return null;
  const number = (key: keyof ComponentHostingFormValues) => Number(values[key] ?? NaN);
  return {
    instanceType: String(values.instanceType ?? ""),
    minInstances: number("minInstances"),
    maxInstances: number("maxInstances"),
    cpuCores: number("cpuCores"),
    memoryMb: number("memoryMb"),
    scaleToZero: values.scaled
      ? { maxCopies: number("maxCopies"), invocationsPerCopy: number("invocationsPerCopy") }
      : null,
  };
}

const NUMBER_FIELDS = [
  "minInstances",
  "maxInstances",
  "cpuCores",
  "memoryMb",
  "maxCopies",
  "invocationsPerCopy",
] as const;

/**
 * The form's values, checked by the contract the service checks; each refusal lands on the field it is about (the
 * contract's last path segment is the form's input name).
 */
export const componentHostingFormSchema = z
  .object({
    modelName: z.string(),
    environment: setComponentHostingInput.shape.environment,
    enabled: z.boolean(),
    instanceType: z.string().optional(),
    minInstances: z.string().optional(),
    maxInstances: z.string().optional(),
    cpuCores: z.string().optional(),
    memoryMb: z.string().optional(),
    scaled: z.boolean(),
    maxCopies: z.string().optional(),
    invocationsPerCopy: z.string().optional(),
  })
  .superRefine((values, ctx) => {
    const hosting = hostingOf(values);
    if (!hosting) return;
    const checked = componentHostingSchema.safeParse(hosting);
    for (const issue of checked.success ? [] : checked.error.issues) {
      const last = String(issue.path.at(-1));
      const field = last === "instanceType" || NUMBER_FIELDS.some((name) => name === last) ? last : "instanceType";
      ctx.addIssue({ code: "custom", message: issue.message, path: [field] });
    }
  })
  .transform((values): z.input<typeof setComponentHostingInput> => ({
    modelName: values.modelName,
    environment: values.environment,
    hosting: hostingOf(values),
  }))
  .pipe(setComponentHostingInput);
