"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";
import { driftThresholdsInput } from "@/contracts/drift";
import { lowestAlertPsi, minimumSamples, type NoiseBasis } from "@/lib/drift-noise";

/**
 * The numbers are typed as text; the server's schema (alert above warn included) judges them, and the same noise rule
 * the server applies (lib/drift-noise) puts its message on the right field before anything is sent.
 */
const formSchemaFor = (basis: NoiseBasis | null) =>
  z
    .object({ modelName: z.string(), warnPsi: z.string(), alertPsi: z.string(), minSamples: z.string() })
    .transform((values): z.input<typeof driftThresholdsInput> => ({
      modelName: values.modelName,
      warnPsi: Number(values.warnPsi),
      alertPsi: Number(values.alertPsi),
      minSamples: Number(values.minSamples),
    }))
    .pipe(driftThresholdsInput)
    .superRefine((values, ctx) => {
      if (!basis) return;
      const minimum = minimumSamples(basis, values.alertPsi);
      if (minimum === null) {
        ctx.addIssue({
          code: "custom",
          path: ["alertPsi"],
          message: `Within sampling noise for any window: must be above ${lowestAlertPsi(basis).toPrecision(3)}`,
        });
      } else if (values.minSamples < minimum) {
        ctx.addIssue({
          code: "custom",
          path: ["minSamples"],
          message: `At least ${minimum} rows for an alert threshold of ${values.alertPsi}`,
        });
      }
    });

type Thresholds = { warnPsi: number; alertPsi: number; minSamples: number };
type NumberKey = keyof Thresholds;

/** "At least 113 rows at alert 0.25 (10 bins, 5,000 reference rows)": what the minimum window is, live. */
function minimumHint(basis: NoiseBasis | null, alertText: string): string {
  if (!basis) return "Fewer rows in a window: no verdict";
  const alertPsi = Number(alertText);
  if (!(alertPsi > 0)) return "Fewer rows in a window: no verdict";
  const minimum = minimumSamples(basis, alertPsi);
  const sizes = `${basis.bins} bins, ${basis.referenceSize.toLocaleString("en-US")} reference rows`;
  return minimum === null
    ? `No window is enough for alert ${alertPsi} (${sizes})`
    : `At least ${minimum.toLocaleString("en-US")} so noise cannot reach alert ${alertPsi} (${sizes})`;
}

/** Per-model PSI thresholds and the fewest rows a window needs before it may warn or alert. */
export function DriftThresholdsForm({
  modelName,
  thresholds,
}: {
  modelName: string;
  thresholds: Thresholds & { noiseBasis: NoiseBasis | null };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // `values` (not a remount) follows the saved thresholds, so "saved" outlives the refetch.
  const form = useForm({
    resolver: zodResolver(formSchemaFor(thresholds.noiseBasis)),
    values: {
      modelName,
      warnPsi: String(thresholds.warnPsi),
      alertPsi: String(thresholds.alertPsi),
      minSamples: String(thresholds.minSamples),
    },
  });
  const { errors } = form.formState;
  const alertText = useWatch({ control: form.control, name: "alertPsi" });
  const save = useMutation(
    trpc.drift.setThresholds.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.drift.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, { fields: ["warnPsi", "alertPsi", "minSamples"] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  const field = (key: NumberKey, label: string, hint: string, step: string) => (
    <FormField id={`drift-${key}`} label={label} hint={hint} error={fieldMessage(errors[key])}>
      {(control) => <Input {...control} {...form.register(key)} type="number" step={step} min="0" />}
    </FormField>
  );
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-4 sm:items-end" data-testid="drift-thresholds-form">
      {field("warnPsi", "Warn at PSI", "Default 0.1", "0.01")}
      {field("alertPsi", "Alert at PSI", "Default 0.25; above warn", "0.01")}
      {field("minSamples", "Minimum rows", minimumHint(thresholds.noiseBasis, alertText), "1")}
      <FormFooter
        error={errors.root?.server?.message}
        pending={save.isPending}
        saved={save.isSuccess}
        submitLabel="Save thresholds"
      />
    </form>
  );
}
