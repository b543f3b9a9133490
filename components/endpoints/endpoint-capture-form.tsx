"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";
import { capturePolicyInput, DEFAULT_CAPTURE_POLICY } from "@/contracts/capture-policy";

const fromPercent = (text: string) => Number((Number(text) / 100).toPrecision(12));
const toPercent = (ratio: number) => String(Number((ratio * 100).toPrecision(12)));

const formSchema = z
  .object({ endpointId: z.string(), rate: z.string(), retentionDays: z.string() })
  .transform((values): z.input<typeof capturePolicyInput> => ({
    endpointId: values.endpointId,
    rate: fromPercent(values.rate),
    retentionDays: Number(values.retentionDays),
  }))
  .pipe(capturePolicyInput);

const RUNTIME_NOTE = {
  applied: "Saved; the runtime captures at the new rate from the next request.",
  "not-serving": "Saved; the runtime does not serve this endpoint now, its next deployment uses the new rate.",
  unreachable: "Saved, but the runtime did not answer: its next deployment uses the new rate.",
  "not-local": "Saved; applied at the endpoint's next deployment.",
} as const;

/** The endpoint's capture policy: the share of predictions captured to the prediction log, and how long rows stay. */
export function EndpointCaptureForm({
  endpointId,
  policy,
  canEdit,
}: {
  endpointId: string;
  policy: { rate: number; retentionDays: number };
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { endpointId, rate: toPercent(policy.rate), retentionDays: String(policy.retentionDays) },
  });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.endpoints.setCapturePolicy.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, { fields: ["rate", "retentionDays"] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-capture-form">
      <FormField
        id="capture-rate"
        label="Predictions captured (%)"
        hint={`0–100; default ${toPercent(DEFAULT_CAPTURE_POLICY.rate)} %. Each predicted row is captured with this probability.`}
        error={fieldMessage(errors.rate)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("rate")}
            type="number"
            step="any"
            min="0"
            max="100"
            disabled={!canEdit}
          />
        )}
      </FormField>
      <FormField
        id="capture-retention"
        label="Keep captured predictions (days)"
        hint={`1–3,650; default ${DEFAULT_CAPTURE_POLICY.retentionDays}. Rows with ground truth are kept longer.`}
        error={fieldMessage(errors.retentionDays)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("retentionDays")}
            type="number"
            step="1"
            min="1"
            max="3650"
            disabled={!canEdit}
          />
        )}
      </FormField>
      {canEdit ? (
        <>
          <FormFooter
            error={errors.root?.server?.message}
            pending={save.isPending}
            saved={false}
            submitLabel="Save capture policy"
          />
          {save.data && (
            <p role="status" className="text-xs text-slate-600">
              {RUNTIME_NOTE[save.data.runtime]}
            </p>
          )}
        </>
      ) : (
        <p className="text-xs text-slate-500">Data scientists of the owning team set the capture policy.</p>
      )}
    </form>
  );
}
