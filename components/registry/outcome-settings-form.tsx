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
import { outcomeSettingsInput } from "@/contracts/registry";

/** Classes are typed as one comma-separated line; the server's schema judges the list it becomes. */
const formSchema = z
  .object({ classes: z.string(), decisionThreshold: z.string() })
  .transform((values): z.input<typeof outcomeSettingsInput> => ({
    outcomeClasses: values.classes
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
    decisionThreshold: Number(values.decisionThreshold),
  }))
  .pipe(outcomeSettingsInput);

type Props = { name: string; classes: string[]; decisionThreshold: number; onDone: () => void };

export function OutcomeSettingsForm({ name, classes, decisionThreshold, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { classes: classes.join(", "), decisionThreshold: String(decisionThreshold) },
  });
  const { errors } = form.formState;
  const mutation = useMutation(
    trpc.registry.setOutcomeSettings.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["classes", "decisionThreshold"],
          aliases: {
            changes: "classes",
            "changes.outcomeClasses": "classes",
            outcomeClasses: "classes",
            "changes.decisionThreshold": "decisionThreshold",
          },
        }),
    }),
  );
  const submit = form.handleSubmit((changes) => mutation.mutate({ name, changes }));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="outcome-settings-form">
      <FormField
        id="outcome-classes"
        label="Classes"
        hint="In order, separated by commas. A binary classifier's probability is the last (positive) class's."
        error={fieldMessage(errors.classes)}
      >
        {(control) => <Input {...control} {...form.register("classes")} autoComplete="off" autoFocus />}
      </FormField>
      <FormField
        id="outcome-threshold"
        label="Decision threshold"
        hint="A probability at or above it predicts the positive class (between 0 and 1)."
        error={fieldMessage(errors.decisionThreshold)}
      >
        {(control) => (
          <Input {...control} {...form.register("decisionThreshold")} inputMode="decimal" autoComplete="off" />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel="Save"
        pendingLabel="Saving…"
      />
    </form>
  );
}
