"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import {
  CLASSIFIER_METRICS,
  GATE_METRICS,
  type GateRule,
  PER_CLASS_METRICS,
  REGRESSOR_METRICS,
  gateRuleSchema,
} from "@/contracts/golden-sets";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

const optionalNumber = z
  .string()
  .trim()
  .refine((text) => text === "" || Number.isFinite(Number(text)), "A number, or empty");

const formSchema = z.object({
  goldenSetName: z.string(),
  confidenceLevel: z.string().refine((t) => Number(t) >= 0.8 && Number(t) <= 0.999, "Between 0.8 and 0.999"),
  resamples: z
    .string()
    .refine((t) => Number.isInteger(Number(t)) && Number(t) >= 200 && Number(t) <= 20_000, "200 to 20,000"),
  criteria: z
    .array(
      z
        .object({ metric: z.enum(GATE_METRICS), class: z.string(), margin: optionalNumber, bound: optionalNumber })
        .refine((c) => c.margin !== "" || c.bound !== "", {
          message: "Give a margin, a floor, or both",
          path: ["bound"],
        })
        .refine((c) => c.margin === "" || Number(c.margin) >= 0, { message: "At least 0", path: ["margin"] })
        .refine((c) => !PER_CLASS_METRICS.includes(c.metric) || c.class !== "", {
          message: "Pick a class",
          path: ["class"],
        }),
    )
    .min(1, "A gate rule has at least one criterion"),
});

type Values = z.infer<typeof formSchema>;

/** The form's strings as a rule the server takes, or null while a field is invalid. */
function ruleOf(values: Values): GateRule | null {
  const parsed = gateRuleSchema.safeParse({
    goldenSetName: values.goldenSetName || null,
    confidenceLevel: Number(values.confidenceLevel),
    resamples: Number(values.resamples),
    criteria: values.criteria.map((c) => ({
      metric: c.metric,
      class: PER_CLASS_METRICS.includes(c.metric) ? c.class : null,
      margin: c.margin === "" ? null : Number(c.margin),
      bound: c.bound === "" ? null : Number(c.bound),
    })),
  });
  return parsed.success ? parsed.data : null;
}

function valuesOf(rule: GateRule | undefined, regression: boolean): Values {
  return {
    goldenSetName: rule?.goldenSetName ?? "",
    confidenceLevel: String(rule?.confidenceLevel ?? 0.95),
    resamples: String(rule?.resamples ?? 2000),
    criteria: rule?.criteria.map((c) => ({
      metric: c.metric,
      class: c.class ?? "",
      margin: c.margin === null ? "" : String(c.margin),
      bound: c.bound === null ? "" : String(c.bound),
    })) ?? [{ metric: regression ? "mae" : "accuracy", class: "", margin: "", bound: "" }],
  };
}

const round = (value: number) => Number(value.toPrecision(3));

type Props = { modelName: string; classes: readonly string[] | null; rule: GateRule | undefined };

/**
 * Edits a model's golden-set gate rule: per metric a non-inferiority margin and/or an absolute floor (a ceiling for
 * MAE and RMSE), the confidence level, the resamples and the golden set; warns per criterion when the golden set is
 * too small to detect its margin, before the rule is saved.
 */
export function GateRuleForm({ modelName, classes, rule }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const regression = classes === null;
  const metrics = regression ? REGRESSOR_METRICS : CLASSIFIER_METRICS;
  const form = useForm<Values>({ resolver: zodResolver(formSchema), defaultValues: valuesOf(rule, regression) });
  const { errors } = form.formState;
  const criteria = useFieldArray({ control: form.control, name: "criteria" });
  const watched = useWatch({ control: form.control }) as Values;
  const draft = ruleOf(watched);
  const goldenSets = useQuery(trpc.goldenSets.list.queryOptions({ modelName }));
  const names = [...new Set(goldenSets.data?.map((s) => s.name) ?? [])];
  const check = useQuery({
    ...trpc.goldenSets.ruleCheck.queryOptions({ modelName, rule: draft ?? valuesOfFallback }),
    enabled: draft !== null,
  });
  const save = useMutation(
    trpc.goldenSets.setGateRule.mutationOptions({
      onSuccess: (saved) => {
        form.reset(valuesOf(saved.rule, regression));
        void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["goldenSetName"] }),
    }),
  );
  const submit = form.handleSubmit((values) => {
    const parsed = ruleOf(values);
    if (parsed) save.mutate({ modelName, rule: parsed });
  });
  const checkOf = (index: number) => (check.data && draft ? check.data.criteria[index] : undefined);
  return (
    <form onSubmit={submit} className="space-y-3" noValidate data-testid="gate-rule-form">
      <div className="grid gap-3 sm:grid-cols-3">
        <FormField id="gate-golden-set" label="Golden set" error={fieldMessage(errors.goldenSetName)}>
          {(control) => (
            <Select {...control} {...form.register("goldenSetName")}>
              <option value="">The latest golden set of any name</option>
              {names.map((name) => (
                <option key={name} value={name}>
                  {name} (its latest version)
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField id="gate-confidence" label="Confidence level" error={fieldMessage(errors.confidenceLevel)}>
          {(control) => <Input {...control} {...form.register("confidenceLevel")} inputMode="decimal" />}
        </FormField>
        <FormField id="gate-resamples" label="Bootstrap resamples" error={fieldMessage(errors.resamples)}>
          {(control) => <Input {...control} {...form.register("resamples")} inputMode="numeric" />}
        </FormField>
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Criteria</legend>
        {criteria.fields.map((field, index) => {
          const metric = watched.criteria?.[index]?.metric ?? field.metric;
          const perClass = PER_CLASS_METRICS.includes(metric);
          const higher = !(REGRESSOR_METRICS as readonly string[]).includes(metric);
          const size = checkOf(index);
          const fieldErrors = errors.criteria?.[index];
          return (
            <div key={field.id} className="rounded-md border border-slate-200 p-3" data-testid="gate-criterion">
              <div className="grid items-start gap-3 sm:grid-cols-5">
                <FormField id={`gate-metric-${index}`} label="Metric">
                  {(control) => (
                    <Select {...control} {...form.register(`criteria.${index}.metric`)}>
                      {metrics.map((m) => (
                        <option key={m} value={m}>
                          {m}
                        </option>
                      ))}
                    </Select>
                  )}
                </FormField>
                <FormField id={`gate-class-${index}`} label="Class" error={fieldMessage(fieldErrors?.class)}>
                  {(control) => (
                    <Select {...control} {...form.register(`criteria.${index}.class`)}>
                      <option value="">{perClass ? "Pick a class" : "all rows"}</option>
                      {(perClass ? (classes ?? []) : []).map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </Select>
                  )}
                </FormField>
                <FormField
                  id={`gate-margin-${index}`}
                  label="Non-inferiority margin"
                  hint={higher ? "Lower bound of Δ ≥ −margin" : "Upper bound of Δ ≤ +margin"}
                  error={fieldMessage(fieldErrors?.margin)}
                >
                  {(control) => (
                    <Input {...control} {...form.register(`criteria.${index}.margin`)} inputMode="decimal" />
                  )}
                </FormField>
                <FormField
                  id={`gate-bound-${index}`}
                  label={higher ? "Absolute floor" : "Absolute ceiling"}
                  error={fieldMessage(fieldErrors?.bound)}
                >
                  {(control) => (
                    <Input {...control} {...form.register(`criteria.${index}.bound`)} inputMode="decimal" />
                  )}
                </FormField>
                <div className="pt-6">
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => criteria.remove(index)}
                    disabled={criteria.fields.length === 1}
                    aria-label={`Remove criterion ${index + 1}`}
                  >
                    Remove
                  </Button>
                </div>
              </div>
              {size?.tooSmall && (
                <p
                  role="note"
                  className="mt-2 rounded bg-amber-50 px-2 py-1 text-xs text-amber-800"
                  data-testid="gate-too-small"
                >
                  Golden set too small to detect this margin:{" "}
                  {size.rows === 0
                    ? "it has no rows of this class."
                    : size.halfWidth === null
                      ? "no interval measured yet."
                      : `the interval of Δ is about ±${round(size.halfWidth)} wide (${size.measured ? "measured by the last evaluation" : `worst case for ${size.rows} rows`}), more than the margin ${size.margin}.`}
                </p>
              )}
            </div>
          );
        })}
        {errors.criteria?.root?.message && <p className="text-sm text-rose-700">{errors.criteria.root.message}</p>}
        <Button
          variant="secondary"
          size="sm"
          onClick={() => criteria.append({ metric: metrics[0], class: "", margin: "", bound: "" })}
        >
          Add criterion
        </Button>
      </fieldset>
      {check.data?.goldenSet === null && (
        <p className="text-sm text-slate-500">No golden set yet: the rule applies once one is uploaded or frozen.</p>
      )}
      <FormFooter
        pending={save.isPending}
        submitLabel="Save gate rule"
        pendingLabel="Saving…"
        saved={save.isSuccess && !form.formState.isDirty}
        error={save.error?.message}
        submitTestId="gate-rule-save"
      />
    </form>
  );
}

/** A placeholder input for the disabled check query (never sent: the query runs only with a valid draft). */
const valuesOfFallback: GateRule = { goldenSetName: null, confidenceLevel: 0.95, resamples: 2000, criteria: [] };
