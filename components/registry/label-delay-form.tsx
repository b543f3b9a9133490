"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { labelDelayInput } from "@/contracts/registry";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

const formSchema = z
  .object({ minutes: z.string().trim().min(1, "Enter minutes (0 when ground truth is known at once)") })
  .transform((values) => ({ labelDelayMinutes: Number(values.minutes) }))
  .pipe(labelDelayInput);

type Props = { name: string; labelDelayMinutes: number; canWrite: boolean };

/** How long the model's ground truth takes to arrive; A/B tests compare arms on predictions at least that old. */
export function LabelDelayForm({ name, labelDelayMinutes, canWrite }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { minutes: String(labelDelayMinutes) } });
  const { errors } = form.formState;
  const mutation = useMutation(
    trpc.registry.setLabelDelay.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() }),
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["minutes"],
          aliases: { "changes.labelDelayMinutes": "minutes", labelDelayMinutes: "minutes" },
        }),
    }),
  );
  const submit = form.handleSubmit((changes) => mutation.mutate({ name, changes }));
  return (
    <form onSubmit={submit} className="space-y-3" noValidate data-testid="label-delay-form">
      <FormField
        id="label-delay-minutes"
        label="Ground truth arrives after (minutes)"
        hint="A/B tests judge arms only on predictions at least this old, so both arms' outcomes had time to arrive."
        error={fieldMessage(errors.minutes)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("minutes")}
            inputMode="numeric"
            autoComplete="off"
            disabled={!canWrite}
            className="w-32"
          />
        )}
      </FormField>
      {canWrite && (
        <FormFooter
          error={errors.root?.server?.message}
          pending={mutation.isPending}
          saved={mutation.isSuccess}
          submitLabel="Save"
          pendingLabel="Saving…"
        />
      )}
    </form>
  );
}
