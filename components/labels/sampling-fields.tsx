"use client";

import { useFormContext } from "react-hook-form";
import { LABEL_STRATA, type LabelStratum } from "@/contracts/label-strata";
import { MAX_DAILY_BUDGET, MAX_LABEL_OVERLAP } from "@/contracts/labels";
import { fieldMessageAt } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import type { SamplingFormValues } from "@/components/labels/queue-form-schema";
import { Input } from "@/components/ui/input";

const RATE_HINTS: Record<LabelStratum, string> = {
  AUDIT: "every prediction (the random floor)",
  UNCERTAINTY: "score near the decision threshold",
  DISAGREEMENT: "variants disagreed",
  DRIFT: "feature in a drifted bin",
  FLAGGED: "flagged by a caller or guardrail",
};

/**
 * Overlap, daily budget and the sampling design, shared by the create and settings forms (inside their FormProvider).
 * Errors come from the form's own paths or the server input's (`sampling.…`), whichever the check used.
 */
export function SamplingFields() {
  const { register, formState } = useFormContext<SamplingFormValues>();
  const error = (path: string) =>
    fieldMessageAt(formState.errors, path) ?? fieldMessageAt(formState.errors, `sampling.${path}`);
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField
          id="queue-overlap"
          label="Overlap k (people per item)"
          hint="Each item is labelled blind by k people; 2 or more gives agreement figures."
          error={error("overlap")}
        >
          {(control) => <Input {...control} {...register("overlap")} type="number" min={1} max={MAX_LABEL_OVERLAP} />}
        </FormField>
        <FormField
          id="queue-budget"
          label="Daily budget (items per UTC day)"
          hint="Paced over the day; 0 pauses sampling."
          error={error("dailyBudget")}
        >
          {(control) => (
            <Input {...control} {...register("dailyBudget")} type="number" min={0} max={MAX_DAILY_BUDGET} />
          )}
        </FormField>
      </div>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Sampling rate per stratum (0–1)</legend>
        <div className="grid gap-3 sm:grid-cols-5">
          {LABEL_STRATA.map((stratum) => (
            <FormField
              key={stratum}
              id={`queue-rate-${stratum}`}
              label={stratum}
              hint={RATE_HINTS[stratum]}
              error={error(`rates.${stratum}`)}
            >
              {(control) => (
                <Input {...control} {...register(`rates.${stratum}`)} type="number" step="any" min={0} max={1} />
              )}
            </FormField>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-4">
        <FormField
          id="queue-band"
          label="Uncertainty band"
          hint="|score − threshold| at most this"
          error={error("uncertaintyBand")}
        >
          {(control) => <Input {...control} {...register("uncertaintyBand")} type="number" step="any" />}
        </FormField>
        <FormField
          id="queue-window"
          label="Disagreement window (s)"
          hint="Predictions are sampled once this old"
          error={error("disagreementWindowSeconds")}
        >
          {(control) => <Input {...control} {...register("disagreementWindowSeconds")} type="number" min={1} />}
        </FormField>
        <FormField id="queue-bins" label="Drift: worst bins" error={error("driftWorstBins")}>
          {(control) => <Input {...control} {...register("driftWorstBins")} type="number" min={1} max={20} />}
        </FormField>
        <FormField id="queue-psi" label="Drift: minimum PSI" error={error("driftMinPsi")}>
          {(control) => <Input {...control} {...register("driftMinPsi")} type="number" step="any" min={0} />}
        </FormField>
      </div>
    </div>
  );
}
