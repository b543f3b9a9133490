"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { fieldMessageAt } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { plainNumberMessage } from "@/components/forms/plain-messages";
import { applyServerError } from "@/components/forms/server-error";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { requestPromotionInput } from "@/contracts/deployments";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import type { PathErrors } from "@/components/deployments/field-paths";
import {
  deploymentHref,
  ENVIRONMENT_LABELS,
  ENVIRONMENTS,
  TARGET_LABELS,
  TARGETS,
} from "@/components/deployments/labels";
import { MetricGateFields } from "@/components/deployments/metric-gate-fields";
import {
  INITIAL_PROMOTE_VALUES,
  toPromotionInput,
  type PromoteFormValues,
} from "@/components/deployments/promote-form-values";
import { StrategyFields } from "@/components/deployments/strategy-fields";
import { ServingModeFields } from "@/components/deployments/serving-mode-fields";
import { defaultModeFor, noModeFits } from "@/components/deployments/serving-mode-choice";

/** The paths of requestPromotionInput the form shows errors for, each under the control that edits it. */
const ERROR_PATHS = [
  "environment",
  "target",
  "reason",
  "strategy.canaryPercent",
  "strategy.bakeSeconds",
  "strategy.stepPercent",
  "strategy.stepBakeSeconds",
  "metricGate.metric",
  "metricGate.tolerance",
] as const;

/** The form's values become the requestPromotionInput they describe, judged by the server's own schema. */
function promoteSchema(modelName: string, version: number) {
  return z
    .custom<PromoteFormValues>()
    .transform((values) => toPromotionInput(values, modelName, version))
    .pipe(requestPromotionInput);
}

const messages = {
  error: (issue: Parameters<typeof plainNumberMessage>[0]) =>
    issue.path?.join(".") === "metricGate.metric" ? "Choose the metric to compare" : plainNumberMessage(issue),
};

type Props = { modelName: string; version: number; metricNames: string[]; onDone: () => void };

/** Requests a promotion; staging starts deploying at once, production waits for a second person's approval. */
export function PromoteForm({ modelName, version, metricNames, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const resolver = useMemo(() => zodResolver(promoteSchema(modelName, version), messages), [modelName, version]);
  const form = useForm({ resolver, defaultValues: INITIAL_PROMOTE_VALUES });
  const values = { ...INITIAL_PROMOTE_VALUES, ...useWatch({ control: form.control }) };
  const modes = useQuery(trpc.deployments.servingModes.queryOptions({ modelName, version }));
  const servingMode = values.servingMode ?? defaultModeFor(modes.data, values.target, values.environment);

  const request = useMutation(
    trpc.deployments.requestPromotion.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        // A production request starts the golden-set gate: what was shown of it before is out of date.
        void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.pathKey() });
        onDone();
        router.push(
          result.deploymentId
            ? deploymentHref(result.deploymentId)
            : `/approvals?requested=${encodeURIComponent(result.promotion.id)}`,
        );
      },
      // The browser checks with the same schema, so what the server still refuses is not about one field.
      onError: (error) => applyServerError(form.setError, error, { fields: [] }),
    }),
  );
  const { errors } = form.formState;
  const pathErrors: PathErrors = Object.fromEntries(ERROR_PATHS.map((path) => [path, fieldMessageAt(errors, path)]));

  // Editing anything clears the messages from the last attempt.
  function change(patch: Partial<PromoteFormValues>) {
    for (const [key, value] of Object.entries(patch) as [
      keyof PromoteFormValues,
      PromoteFormValues[keyof PromoteFormValues],
    ][])
      form.setValue(key, value);
    form.clearErrors();
  }

  const submit = form.handleSubmit((input) => request.mutate({ ...input, servingMode: servingMode ?? undefined }));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="promote-form">
      <div className="grid grid-cols-2 gap-3">
        <FormField
          id="promote-environment"
          label="Environment"
          hint={values.environment === "PRODUCTION" ? "Needs approval by a second person." : "Deploys at once."}
          error={pathErrors.environment}
        >
          {(control) => (
            <Select
              {...control}
              className="w-full"
              value={values.environment}
              onChange={(e) =>
                change({
                  environment: ENVIRONMENTS.find((env) => env === e.target.value) ?? "STAGING",
                  servingMode: null,
                })
              }
            >
              {ENVIRONMENTS.map((env) => (
                <option key={env} value={env}>
                  {ENVIRONMENT_LABELS[env]}
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField id="promote-target" label="Target" error={pathErrors.target}>
          {(control) => (
            <Select
              {...control}
              className="w-full"
              value={values.target}
              onChange={(e) =>
                change({ target: TARGETS.find((t) => t === e.target.value) ?? "LOCAL", servingMode: null })
              }
            >
              {TARGETS.map((target) => (
                <option key={target} value={target}>
                  {TARGET_LABELS[target]}
                </option>
              ))}
            </Select>
          )}
        </FormField>
      </div>
      <ServingModeFields
        query={modes}
        version={version}
        target={values.target}
        environment={values.environment}
        selected={servingMode}
        onSelect={(mode) => change({ servingMode: mode })}
      />
      <StrategyFields values={values} errors={pathErrors} onChange={change} />
      <FormField
        id="promote-reason"
        label="Reason"
        hint="Reviewers and the audit log see this."
        error={pathErrors.reason}
      >
        {(control) => (
          <Textarea
            {...control}
            rows={3}
            value={values.reason}
            onChange={(e) => change({ reason: e.target.value })}
            onKeyDown={submitOnCtrlEnter}
            required
          />
        )}
      </FormField>
      <MetricGateFields metricNames={metricNames} values={values} errors={pathErrors} onChange={change} />
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={request.isPending}
        disabled={noModeFits(modes.data, values.target, values.environment)}
        submitLabel={values.environment === "PRODUCTION" ? "Request approval" : "Promote to staging"}
        pendingLabel="Requesting…"
        errorTestId="promote-error"
        submitTestId="promote-submit"
      />
    </form>
  );
}
