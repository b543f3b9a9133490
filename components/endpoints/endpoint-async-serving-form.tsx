"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import type { AsyncServing } from "@/contracts/async-serving";
import {
  asyncServingFormSchema,
  formValuesOf,
  type AsyncServingFormValues,
} from "@/components/endpoints/async-serving-form-schema";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorTargets } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

type NumberField = Exclude<keyof AsyncServingFormValues, "endpointId" | "enabled" | "scaled">;

/** Where the service's refusals land: its input's paths, named after the form's inputs. */
const SERVER_FIELDS = {
  fields: ["concurrency", "timeoutSeconds", "minInstances", "maxInstances", "backlogPerInstance"],
  aliases: {
    "serving.maxConcurrentInvocationsPerInstance": "concurrency",
    "serving.invocationTimeoutSeconds": "timeoutSeconds",
    "serving.scaling.minInstances": "minInstances",
    "serving.scaling.maxInstances": "maxInstances",
    "serving.scaling.backlogPerInstance": "backlogPerInstance",
  },
} as const satisfies ServerErrorTargets<NumberField>;

/**
 * Whether a SageMaker endpoint serves in real time or asynchronously (requests queued, answers written to S3, the
 * instance count following the queue, down to zero). SageMaker needs a new endpoint config, so the endpoint's next
 * deployment or rollback applies it.
 */
export function EndpointAsyncServingForm({
  endpointId,
  serving,
  canEdit,
}: {
  endpointId: string;
  serving: AsyncServing | null;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // `values` (not a remount) follows the saved setting, so the note of what was saved outlives the refetch.
  const form = useForm({ resolver: zodResolver(asyncServingFormSchema), values: formValuesOf(endpointId, serving) });
  const { errors } = form.formState;
  const [enabled, scaled] = useWatch({ control: form.control, name: ["enabled", "scaled"] });
  const save = useMutation(
    trpc.endpoints.setAsyncServing.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, SERVER_FIELDS),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  const field = (name: NumberField, label: string, hint: string, disabled: boolean) => (
    <FormField id={`async-serving-${name}`} label={label} hint={hint} error={fieldMessage(errors[name])}>
      {(control) => (
        <Input {...control} {...form.register(name)} type="number" step="1" disabled={!canEdit || disabled} />
      )}
    </FormField>
  );
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-async-serving-form">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" {...form.register("enabled")} disabled={!canEdit} />
        Serve asynchronously (requests queued, answers written to S3)
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        {field("concurrency", "Requests each instance works on at once", "1–1,000", !enabled)}
        {field("timeoutSeconds", "Processing timeout (seconds)", "1–3,600 per request", !enabled)}
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" {...form.register("scaled")} disabled={!canEdit || !enabled} />
        Scale with the queue (0 instances sleeps; a waiting request wakes it)
      </label>
      <div className="grid gap-3 sm:grid-cols-3">
        {field("minInstances", "Fewest instances", "0 lets it sleep when idle", !enabled || !scaled)}
        {field("maxInstances", "Most instances", "1–100", !enabled || !scaled)}
        {field(
          "backlogPerInstance",
          "Queued requests per instance",
          "the target the scaling keeps",
          !enabled || !scaled,
        )}
      </div>
      {canEdit ? (
        <>
          <FormFooter error={errors.root?.server?.message} pending={save.isPending} saved={false} submitLabel="Save" />
          {save.data && (
            <p role="status" className="text-xs text-slate-600">
              Saved; the endpoint&apos;s next deployment or rollback applies it (SageMaker starts a new fleet for it).
            </p>
          )}
        </>
      ) : (
        <p className="text-xs text-slate-500">Data scientists of the owning team decide how it serves.</p>
      )}
    </form>
  );
}
