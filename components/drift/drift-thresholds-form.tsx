"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { FormField } from "@/components/ui/form-field";
import { InlineSaveFooter } from "@/components/ui/inline-save-footer";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc";
import { driftThresholdsInput } from "@/server/services/drift/schemas";

type Thresholds = { warnPsi: number; alertPsi: number; minSamples: number };

/** Per-model PSI thresholds and the fewest rows a window needs before it may warn or alert. */
export function DriftThresholdsForm({ modelName, thresholds }: { modelName: string; thresholds: Thresholds }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState({
    warnPsi: String(thresholds.warnPsi),
    alertPsi: String(thresholds.alertPsi),
    minSamples: String(thresholds.minSamples),
  });
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.drift.setThresholds.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.drift.pathKey() }),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = driftThresholdsInput.safeParse({
      modelName,
      warnPsi: Number(values.warnPsi),
      alertPsi: Number(values.alertPsi),
      minSamples: Number(values.minSamples),
    });
    setProblem(parsed.success ? null : (parsed.error.issues[0]?.message ?? "Check the values"));
    if (parsed.success) save.mutate(parsed.data);
  };
  const field = (key: keyof typeof values, label: string, hint: string, step: string) => (
    <FormField id={`drift-${key}`} label={label} hint={hint}>
      {(control) => (
        <Input
          {...control}
          type="number"
          step={step}
          min="0"
          value={values[key]}
          onChange={(e) => setValues({ ...values, [key]: e.target.value })}
        />
      )}
    </FormField>
  );
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-4 sm:items-end" data-testid="drift-thresholds-form">
      {field("warnPsi", "Warn at PSI", "Default 0.1", "0.01")}
      {field("alertPsi", "Alert at PSI", "Default 0.25; above warn", "0.01")}
      {field("minSamples", "Minimum rows", "Fewer rows in a window: no verdict", "1")}
      <InlineSaveFooter label="Save thresholds" problem={problem} mutation={save} />
    </form>
  );
}
