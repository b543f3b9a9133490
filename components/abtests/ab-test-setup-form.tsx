"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { keepPreviousData, skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useFieldArray, useForm, useWatch } from "react-hook-form";
import {
  AB_METRIC_KEYS,
  AB_METRICS,
  createAbTestInput,
  isPrimaryEligible,
  metricFitsTask,
  type AbMetricKey,
} from "@/contracts/abtests";
import {
  AB_FORM_ALIASES,
  abTestFormSchema,
  championWeightOf,
  toCreateInput,
  type AbTestFormValues,
} from "@/components/abtests/ab-test-form-schema";
import { abTestHref, metricLabel } from "@/components/abtests/ab-test-format";
import { PreRegistrationSummary } from "@/components/abtests/pre-registration-card";
import { fieldMessage, fieldMessageAt } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

type Props = {
  endpointName: string;
  taskType: string;
  championVersion: number;
  versions: readonly number[];
};

const PREVIEW_DELAY_MS = 400;

/** The last value that stayed unchanged for `delayMs` (the preview asks the server once typing pauses). */
function useSettled<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}

/**
 * Sets up a test on one endpoint: the serving version is the champion; challengers, their traffic, the assignment
 * unit, the primary metric with its pre-registration, guardrails and secondary metrics. The plan the server would
 * record is previewed live as the form changes.
 */
export function AbTestSetupForm({ endpointName, taskType, championVersion, versions }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const metrics = AB_METRIC_KEYS.filter((key) => metricFitsTask(key, taskType));
  const primaryChoices = metrics.filter(isPrimaryEligible);
  const challengerChoices = versions.filter((version) => version !== championVersion);
  const form = useForm<AbTestFormValues, unknown, ReturnType<ReturnType<typeof abTestFormSchema>["parse"]>>({
    resolver: zodResolver(abTestFormSchema(endpointName)),
    defaultValues: {
      name: "",
      assignment: "REQUEST",
      challengers: [{ version: String(challengerChoices.at(-1) ?? ""), weight: "50" }],
      primaryMetric: primaryChoices[0] ?? "error_rate",
      mde: "",
      alpha: "0.05",
      power: "0.8",
      baseline: "",
      guardrails: ["error_rate", "latency_p99"].filter((key) => key !== primaryChoices[0]) as AbMetricKey[],
      secondary: [],
    },
  });
  const { errors } = form.formState;
  const challengers = useFieldArray({ control: form.control, name: "challengers" });
  const values = useWatch({ control: form.control }) as AbTestFormValues;
  const candidate = createAbTestInput.safeParse(toCreateInput(endpointName, values));
  // Debounced by its text, so an unchanged form settles once instead of on every render.
  const settledText = useSettled(candidate.success ? JSON.stringify(candidate.data) : null, PREVIEW_DELAY_MS);
  const settled = settledText === null ? null : (JSON.parse(settledText) as typeof candidate.data);
  const preview = useQuery(
    trpc.abTests.preview.queryOptions(settled ?? skipToken, { retry: false, placeholderData: keepPreviousData }),
  );
  const create = useMutation(
    trpc.abTests.create.mutationOptions({
      onSuccess: (test) => {
        void queryClient.invalidateQueries({ queryKey: trpc.abTests.list.pathKey() });
        router.push(abTestHref(test.id));
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: [
            "name",
            "challengers",
            "primaryMetric",
            "mde",
            "alpha",
            "power",
            "baseline",
            "guardrails",
            "secondary",
          ],
          aliases: AB_FORM_ALIASES,
          fieldFor: { CONFLICT: "name", NOT_FOUND: "challengers" },
        }),
    }),
  );
  const at = (path: string) => fieldMessageAt(errors, path);
  const championWeight = championWeightOf(values.challengers ?? []);
  const primary = values.primaryMetric;
  const unusedVersion = () => {
    const taken = new Set((values.challengers ?? []).map((challenger) => challenger.version));
    return challengerChoices.find((version) => !taken.has(String(version))) ?? challengerChoices[0];
  };
  const toggle = (field: "guardrails" | "secondary", key: AbMetricKey, on: boolean) => {
    const current = form.getValues(field);
    form.setValue(field, on ? [...current, key] : current.filter((k) => k !== key), { shouldDirty: true });
  };
  return (
    <form
      onSubmit={form.handleSubmit((input) => create.mutate(input))}
      className="grid gap-6 lg:grid-cols-3"
      noValidate
      data-testid="ab-test-form"
    >
      <div className="space-y-6 lg:col-span-2">
        <Card title="Arms">
          <div className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField id="ab-name" label="Test name" error={fieldMessage(errors.name)}>
                {(control) => <Input {...control} {...form.register("name")} autoComplete="off" />}
              </FormField>
              <FormField
                id="ab-assignment"
                label="Assignment"
                hint="Sticky: the same routing key (x-routing-key) always reaches the same arm, hashed with this test's own salt"
              >
                {(control) => (
                  <Select {...control} {...form.register("assignment")}>
                    <option value="REQUEST">Each request afresh</option>
                    <option value="STICKY">Sticky on the caller&apos;s routing key</option>
                  </Select>
                )}
              </FormField>
            </div>
            <p className="text-sm text-slate-700" data-testid="ab-champion">
              Champion: <span className="font-medium">v{championVersion}</span> (serves the endpoint now) keeps{" "}
              <span className={championWeight < 1 ? "font-medium text-rose-700" : "font-medium"}>
                {championWeight} %
              </span>{" "}
              of the traffic.
            </p>
            {challengers.fields.map((field, index) => (
              <div key={field.id} className="grid items-end gap-3 sm:grid-cols-[1fr_1fr_auto]">
                <FormField id={`ab-challenger-${index}`} label={`Challenger ${index + 1}`}>
                  {(control) => (
                    <Select {...control} {...form.register(`challengers.${index}.version`)}>
                      {challengerChoices.map((version) => (
                        <option key={version} value={version}>
                          v{version}
                        </option>
                      ))}
                    </Select>
                  )}
                </FormField>
                <FormField id={`ab-weight-${index}`} label={`Challenger ${index + 1} traffic %`}>
                  {(control) => (
                    <Input
                      {...control}
                      {...form.register(`challengers.${index}.weight`)}
                      type="number"
                      min={1}
                      max={99}
                    />
                  )}
                </FormField>
                <Button
                  variant="ghost"
                  size="sm"
                  onClick={() => challengers.remove(index)}
                  disabled={challengers.fields.length === 1}
                >
                  Remove
                </Button>
              </div>
            ))}
            {(at("challengers") ?? at("championWeight")) && (
              <p role="alert" className="text-sm text-rose-700" data-testid="ab-challengers-error">
                {at("challengers") ?? at("championWeight")}
              </p>
            )}
            {challengers.fields.length < 3 && challengerChoices.length > challengers.fields.length && (
              <Button
                variant="secondary"
                size="sm"
                onClick={() => challengers.append({ version: String(unusedVersion()), weight: "10" })}
              >
                Add a challenger
              </Button>
            )}
          </div>
        </Card>
        <Card title="Pre-registration">
          <div className="grid gap-4 sm:grid-cols-2">
            <FormField
              id="ab-primary"
              label="Primary metric"
              error={fieldMessage(errors.primaryMetric) ?? at("preRegistration.primaryMetric")}
            >
              {(control) => (
                <Select {...control} {...form.register("primaryMetric")}>
                  {primaryChoices.map((key) => (
                    <option key={key} value={key}>
                      {metricLabel(key)}
                    </option>
                  ))}
                </Select>
              )}
            </FormField>
            <FormField
              id="ab-mde"
              label="Smallest effect worth detecting"
              hint={
                AB_METRICS[primary].kind === "mean" ? "In the metric's unit" : "Absolute: 0.02 is two percentage points"
              }
              error={fieldMessage(errors.mde) ?? at("preRegistration.mde")}
            >
              {(control) => <Input {...control} {...form.register("mde")} type="number" step="any" min={0} />}
            </FormField>
            <FormField
              id="ab-alpha"
              label="α (false-positive rate)"
              error={fieldMessage(errors.alpha) ?? at("preRegistration.alpha")}
            >
              {(control) => <Input {...control} {...form.register("alpha")} type="number" step="any" />}
            </FormField>
            <FormField id="ab-power" label="Power" error={fieldMessage(errors.power) ?? at("preRegistration.power")}>
              {(control) => <Input {...control} {...form.register("power")} type="number" step="any" />}
            </FormField>
            <FormField
              id="ab-baseline"
              label={
                AB_METRICS[primary].kind === "mean"
                  ? "Baseline standard deviation (optional)"
                  : "Baseline rate (optional)"
              }
              hint={
                AB_METRICS[primary].kind === "rate"
                  ? "Required: the champion's current rate (it is not measured here)"
                  : "Empty: measured from the champion's last 28 days of feedback-API ground truth"
              }
              error={fieldMessage(errors.baseline) ?? at("preRegistration.baseline")}
            >
              {(control) => <Input {...control} {...form.register("baseline")} type="number" step="any" min={0} />}
            </FormField>
          </div>
        </Card>
        <Card title="Guardrails and secondary metrics">
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="text-xs text-slate-500">
                <th className="py-1 font-medium">Metric</th>
                <th className="py-1 font-medium">Guardrail</th>
                <th className="py-1 font-medium">Secondary</th>
              </tr>
            </thead>
            <tbody>
              {metrics
                .filter((key) => key !== primary)
                .map((key) => (
                  <tr key={key} className="border-t border-slate-100">
                    <td className="py-1">{metricLabel(key)}</td>
                    {(["guardrails", "secondary"] as const).map((field) => (
                      <td key={field} className="py-1">
                        <input
                          type="checkbox"
                          aria-label={`${metricLabel(key)} as ${field === "guardrails" ? "a guardrail" : "a secondary metric"}`}
                          checked={(values[field] ?? []).includes(key)}
                          onChange={(event) => toggle(field, key, event.target.checked)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
          {(at("secondary") ?? at("guardrails")) && (
            <p role="alert" className="mt-2 text-sm text-rose-700">
              {at("secondary") ?? at("guardrails")}
            </p>
          )}
        </Card>
        <FormFooter
          error={errors.root?.server?.message}
          pending={create.isPending}
          submitLabel="Set up the test"
          pendingLabel="Setting up…"
          submitTestId="ab-test-submit"
          errorTestId="ab-test-error"
        />
      </div>
      <Card title="The plan" className="h-fit">
        {settled === null ? (
          <p className="text-sm text-slate-500">
            Fill in the arms and the pre-registration to see the sample and duration.
          </p>
        ) : preview.isPending ? (
          <p className="text-sm text-slate-500">Computing the plan…</p>
        ) : preview.isError ? (
          <p className="text-sm text-rose-700" data-testid="ab-preview-error">
            {preview.error.message}
          </p>
        ) : (
          <div aria-busy={preview.isFetching} data-testid="ab-preview">
            <PreRegistrationSummary plan={preview.data.preRegistration} arms={preview.data.arms} />
          </div>
        )}
      </Card>
    </form>
  );
}
