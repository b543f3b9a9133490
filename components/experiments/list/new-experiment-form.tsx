"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { createExperimentInput } from "@/contracts/experiments";

/** An empty description is no description. */
const formSchema = z
  .object({ name: z.string(), description: z.string() })
  .transform((values): z.input<typeof createExperimentInput> => ({
    name: values.name,
    description: values.description.trim() || undefined,
  }))
  .pipe(createExperimentInput);

/** Creates an experiment and opens it; rendered inside NewExperimentDialog. */
export function NewExperimentForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { name: "", description: "" } });
  const { errors } = form.formState;
  const create = useMutation(
    trpc.experiments.createExperiment.mutationOptions({
      onSuccess: async (experiment) => {
        await queryClient.invalidateQueries({ queryKey: trpc.experiments.list.pathKey() });
        onDone();
        router.push(`/experiments/${experiment.id}`);
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["name", "description"] }),
    }),
  );
  const submit = form.handleSubmit((values) => create.mutate(values));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <FormField id="experiment-name" label="Name" error={fieldMessage(errors.name)}>
        {(control) => (
          <Input
            {...control}
            {...form.register("name")}
            placeholder="churn-xgboost"
            autoComplete="off"
            autoFocus
            required
          />
        )}
      </FormField>
      <FormField
        id="experiment-description"
        label={
          <>
            Description <span className="font-normal text-slate-500">(optional)</span>
          </>
        }
        error={fieldMessage(errors.description)}
      >
        {(control) => (
          <Textarea
            {...control}
            {...form.register("description")}
            rows={3}
            placeholder="What this experiment tries to find out"
          />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={create.isPending}
        submitLabel="Create experiment"
        pendingLabel="Creating…"
      />
    </form>
  );
}
