"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FormProvider, useForm } from "react-hook-form";
import type { SamplingSettings } from "@/contracts/labels";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import {
  SAMPLING_FIELD_ALIASES,
  samplingFormDefaults,
  updateQueueFormSchema,
  type SamplingFormValues,
} from "@/components/labels/queue-form-schema";
import { SamplingFields } from "@/components/labels/sampling-fields";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

type Queue = { id: string; name: string; overlap: number; dailyBudget: number; sampling: SamplingSettings };

/** A queue's name, overlap, budget and sampling design (its label schema stays as created). Audited by the server. */
export function QueueSettingsForm({ queue }: { queue: Queue }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const schema = updateQueueFormSchema(queue.id);
  const form = useForm<SamplingFormValues & { name: string }, unknown, ReturnType<typeof schema.parse>>({
    resolver: zodResolver(schema),
    defaultValues: { name: queue.name, ...samplingFormDefaults(queue.sampling, queue.overlap, queue.dailyBudget) },
  });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.labels.updateQueue.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.labels.pathKey() }),
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["name", "overlap", "dailyBudget"],
          aliases: SAMPLING_FIELD_ALIASES,
          fieldFor: { CONFLICT: "name" },
        }),
    }),
  );
  return (
    <FormProvider {...form}>
      <form
        onSubmit={form.handleSubmit((input) => save.mutate(input))}
        className="space-y-4"
        noValidate
        data-testid="queue-settings-form"
      >
        <FormField id="queue-name" label="Queue name" error={fieldMessage(errors.name)}>
          {(control) => <Input {...control} {...form.register("name")} className="max-w-md" />}
        </FormField>
        <SamplingFields />
        <FormFooter
          error={errors.root?.server?.message}
          pending={save.isPending}
          saved={save.isSuccess}
          submitLabel="Save settings"
        />
      </form>
    </FormProvider>
  );
}
