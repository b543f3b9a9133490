"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { requestPromotionInput } from "@/contracts/deployments";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { errorsByPath, type PathErrors } from "@/components/deployments/field-paths";
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

type Props = { modelName: string; version: number; metricNames: string[]; onDone: () => void };

/** Requests a promotion; staging starts deploying at once, production waits for a second person's approval. */
export function PromoteForm({ modelName, version, metricNames, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [values, setValues] = useState<PromoteFormValues>(INITIAL_PROMOTE_VALUES);
  const [clientErrors, setClientErrors] = useState<PathErrors>({});

  const request = useMutation(
    trpc.deployments.requestPromotion.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        onDone();
        router.push(
          result.deploymentId
            ? deploymentHref(result.deploymentId)
            : `/approvals?requested=${encodeURIComponent(result.promotion.id)}`,
        );
      },
    }),
  );
  const serverIssues = request.error?.data?.zodIssues ?? [];
  const errors = { ...errorsByPath(serverIssues), ...clientErrors };
  const formError = request.error && serverIssues.length === 0 ? request.error.message : null;

  function change(patch: Partial<PromoteFormValues>) {
    setValues((current) => ({ ...current, ...patch }));
    setClientErrors({});
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = requestPromotionInput.safeParse(toPromotionInput(values, modelName, version));
    const gateMissing =
      values.gateEnabled && !values.gateMetric ? { "metricGate.metric": "Choose the metric to compare" } : {};
    if (!result.success || Object.keys(gateMissing).length > 0) {
      setClientErrors({ ...(result.success ? {} : errorsByPath(result.error.issues)), ...gateMissing });
      return;
    }
    request.mutate(result.data);
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="promote-form">
      <div className="grid grid-cols-2 gap-3">
        <FormField
          id="promote-environment"
          label="Environment"
          hint={values.environment === "PRODUCTION" ? "Needs approval by a second person." : "Deploys at once."}
          error={errors.environment}
        >
          {(control) => (
            <Select
              {...control}
              className="w-full"
              value={values.environment}
              onChange={(e) => change({ environment: ENVIRONMENTS.find((env) => env === e.target.value) ?? "STAGING" })}
            >
              {ENVIRONMENTS.map((env) => (
                <option key={env} value={env}>
                  {ENVIRONMENT_LABELS[env]}
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField id="promote-target" label="Target" error={errors.target}>
          {(control) => (
            <Select
              {...control}
              className="w-full"
              value={values.target}
              onChange={(e) => change({ target: TARGETS.find((t) => t === e.target.value) ?? "LOCAL" })}
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
      <StrategyFields values={values} errors={errors} onChange={change} />
      <FormField id="promote-reason" label="Reason" hint="Reviewers and the audit log see this." error={errors.reason}>
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
      <MetricGateFields metricNames={metricNames} values={values} errors={errors} onChange={change} />
      {formError && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800" data-testid="promote-error">
          {formError}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={request.isPending} data-testid="promote-submit">
          {request.isPending
            ? "Requesting…"
            : values.environment === "PRODUCTION"
              ? "Request approval"
              : "Promote to staging"}
        </Button>
      </div>
    </form>
  );
}
