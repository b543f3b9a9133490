"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import type { ComponentHosting } from "@/contracts/component-hosting";
import {
  componentHostingFormSchema,
  formValuesOf,
  type ComponentHostingFormValues,
} from "@/components/endpoints/component-hosting-form-schema";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorTargets } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

type TextField = Exclude<keyof ComponentHostingFormValues, "modelName" | "environment" | "enabled" | "scaled">;

/** Where the service's refusals land: its input's paths, named after the form's inputs. */
const SERVER_FIELDS = {
  fields: ["instanceType", "minInstances", "maxInstances", "cpuCores", "memoryMb", "maxCopies", "invocationsPerCopy"],
  aliases: {
    "hosting.instanceType": "instanceType",
    "hosting.minInstances": "minInstances",
    "hosting.maxInstances": "maxInstances",
    "hosting.cpuCores": "cpuCores",
    "hosting.memoryMb": "memoryMb",
    "hosting.scaleToZero.maxCopies": "maxCopies",
    "hosting.scaleToZero.invocationsPerCopy": "invocationsPerCopy",
  },
} as const satisfies ServerErrorTargets<TextField>;

/**
 * Whether a SageMaker endpoint runs its version on dedicated instances or as an inference component on a managed
 * fleet, whose copies (and then instances) may go to zero when idle. The next deployment applies it; SageMaker cannot
 * change the kind of hosting or the fleet of an endpoint that serves.
 */
export function EndpointComponentHostingForm({
  endpoint,
  hosting,
  canEdit,
}: {
  endpoint: Pick<ComponentHostingFormValues, "modelName" | "environment">;
  hosting: ComponentHosting | null;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // `values` (not a remount) follows the saved setting, so the note of what was saved outlives the refetch.
  const form = useForm({ resolver: zodResolver(componentHostingFormSchema), values: formValuesOf(endpoint, hosting) });
  const { errors } = form.formState;
  const [enabled, scaled] = useWatch({ control: form.control, name: ["enabled", "scaled"] });
  const save = useMutation(
    trpc.endpoints.setComponentHosting.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, SERVER_FIELDS),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  const field = (name: TextField, label: string, hint: string, disabled: boolean, type = "number") => (
    <FormField id={`component-hosting-${name}`} label={label} hint={hint} error={fieldMessage(errors[name])}>
      {(control) => (
        <Input {...control} {...form.register(name)} type={type} step="any" disabled={!canEdit || disabled} />
      )}
    </FormField>
  );
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-component-hosting-form">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" {...form.register("enabled")} disabled={!canEdit} />
        Host as an inference component on a managed fleet
      </label>
      <div className="grid gap-3 sm:grid-cols-3">
        {field("instanceType", "Instance type", "e.g. ml.m5.large", !enabled, "text")}
        {field("minInstances", "Fewest instances", "0 lets the fleet sleep", !enabled)}
        {field("maxInstances", "Most instances", "1–100", !enabled)}
        {field("cpuCores", "CPU cores per copy", "in quarters, from 0.25", !enabled)}
        {field("memoryMb", "Memory per copy (MB)", "from 128", !enabled)}
      </div>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" {...form.register("scaled")} disabled={!canEdit || !enabled} />
        Scale copies to zero when idle (a request then waits while a copy starts)
      </label>
      <p className="text-xs text-slate-500">
        SageMaker hosts components only on an endpoint created for them: an endpoint that serves keeps its kind of
        hosting and its fleet. Component endpoints have no data capture here.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        {field("maxCopies", "Most copies", "1–100", !enabled || !scaled)}
        {field("invocationsPerCopy", "Requests a minute per copy", "the target the scaling keeps", !enabled || !scaled)}
      </div>
      {canEdit ? (
        <>
          <FormFooter error={errors.root?.server?.message} pending={save.isPending} saved={false} submitLabel="Save" />
          {save.data && (
            <p role="status" className="text-xs text-slate-600">
              Saved; the endpoint&apos;s next deployment applies it.
            </p>
          )}
        </>
      ) : (
        <p className="text-xs text-slate-500">Data scientists of the owning team decide how it is hosted.</p>
      )}
    </form>
  );
}
