"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import type { OnlineFeatures } from "@/contracts/online-features";
import { fieldMessage } from "@/components/forms/field-message";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { formValuesOf, onlineFeaturesFormSchema } from "@/components/endpoints/online-features-form-schema";
import { LookupFields } from "@/components/endpoints/lookup-fields";
import { FallbackFields } from "@/components/endpoints/fallback-fields";
import { useTRPC } from "@/trpc/react";

export const RUNTIME_NOTE = {
  applied: "Saved; the runtime uses it from the next request.",
  "not-serving": "Saved; the runtime does not serve this endpoint now, its next deployment uses it.",
  unreachable: "Saved, but the runtime did not answer: its next deployment uses it.",
} as const;
export type RuntimeOutcome = keyof typeof RUNTIME_NOTE;

export type OnlineFeaturesTarget = {
  endpointId: string;
  teamId: string;
  setting: OnlineFeatures | null;
  /** The serving version's input and output names (what stored features fill, what the fallback answers). */
  inputs: readonly string[];
  outputs: readonly string[];
};

type Props = OnlineFeaturesTarget & { onDone: () => void; onSaved: (runtime: RuntimeOutcome) => void };

/** Edits an endpoint's feature lookup and fallback rules; checked by the contract the service checks, then saved. */
export function OnlineFeaturesForm({ endpointId, teamId, setting, inputs, outputs, onDone, onSaved }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(onlineFeaturesFormSchema),
    defaultValues: formValuesOf(endpointId, setting, outputs[0] ?? "score"),
  });
  const save = useMutation(
    trpc.endpoints.setOnlineFeatures.mutationOptions({
      onSuccess: (saved) => {
        onSaved(saved.runtime);
        void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, { fields: [] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  const lookupEnabled = useWatch({ control: form.control, name: "lookupEnabled" });
  const fallbackEnabled = useWatch({ control: form.control, name: "fallbackEnabled" });
  const problem = fieldMessage(form.formState.errors);
  return (
    <FormProvider {...form}>
      <form onSubmit={submit} className="space-y-4" data-testid="online-features-form" noValidate>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
          <input type="checkbox" {...form.register("lookupEnabled")} data-testid="lookup-enabled" />
          Look up stored features before the model
        </label>
        {lookupEnabled && <LookupFields teamId={teamId} inputs={inputs} />}
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
          <input type="checkbox" {...form.register("fallbackEnabled")} data-testid="fallback-enabled" />
          Answer from rules when the model fails
        </label>
        {fallbackEnabled && <FallbackFields outputs={outputs} />}
        {problem && problem !== form.formState.errors.root?.server?.message && (
          <p role="alert" className="text-sm text-rose-700" data-testid="online-features-problem">
            {problem}
          </p>
        )}
        <FormFooter
          error={form.formState.errors.root?.server?.message}
          pending={save.isPending}
          submitLabel="Save"
          onCancel={onDone}
          submitTestId="online-features-save"
        />
      </form>
    </FormProvider>
  );
}
