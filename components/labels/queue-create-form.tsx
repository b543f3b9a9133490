"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { fieldMessage, fieldMessageAt } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import {
  createQueueFormSchema,
  defaultSampling,
  SAMPLING_FIELD_ALIASES,
  samplingFormDefaults,
  type CreateQueueFormValues,
} from "@/components/labels/queue-form-schema";
import { SamplingFields } from "@/components/labels/sampling-fields";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

/**
 * A new label queue for a model of one's team: its name, label schema (the model's default — its classes or a
 * number — or classes, a number, or a rating 1..scale with a comment), overlap, daily budget and sampling design.
 */
export function QueueCreateForm({ modelName = "" }: { modelName?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const form = useForm<CreateQueueFormValues, unknown, ReturnType<typeof createQueueFormSchema.parse>>({
    resolver: zodResolver(createQueueFormSchema),
    defaultValues: {
      modelName,
      name: "",
      schemaKind: "default",
      classes: "",
      min: "",
      max: "",
      scale: "5",
      comment: true,
      ...samplingFormDefaults(defaultSampling, 1, 100),
    },
  });
  const { errors } = form.formState;
  const kind = useWatch({ control: form.control, name: "schemaKind" });
  const create = useMutation(
    trpc.labels.createQueue.mutationOptions({
      onSuccess: (queue) => {
        void queryClient.invalidateQueries({ queryKey: trpc.labels.myQueues.pathKey() });
        router.push(`/labels/${queue.id}/settings`);
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["modelName", "name", "overlap", "dailyBudget", "classes", "min", "scale"],
          aliases: { ...SAMPLING_FIELD_ALIASES, "labelSchema.classes": "classes", labelSchema: "classes" },
          fieldFor: { NOT_FOUND: "modelName", CONFLICT: "name" },
        }),
    }),
  );
  const schemaError = fieldMessageAt(errors, "labelSchema");
  return (
    <FormProvider {...form}>
      <form
        onSubmit={form.handleSubmit((input) => create.mutate(input))}
        className="space-y-4"
        noValidate
        data-testid="queue-create-form"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField
            id="queue-model"
            label="Model"
            hint="The registered model's name"
            error={fieldMessage(errors.modelName)}
          >
            {(control) => <Input {...control} {...form.register("modelName")} autoComplete="off" />}
          </FormField>
          <FormField id="queue-name" label="Queue name" error={fieldMessage(errors.name)}>
            {(control) => <Input {...control} {...form.register("name")} autoComplete="off" />}
          </FormField>
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <FormField id="queue-schema" label="Label schema" hint="Fixed once the queue exists">
            {(control) => (
              <Select {...control} {...form.register("schemaKind")}>
                <option value="default">The model&apos;s (its classes, or a number)</option>
                <option value="classes">Classes</option>
                <option value="number">A number</option>
                <option value="rating">A rating and a comment (LLM outputs)</option>
              </Select>
            )}
          </FormField>
          {kind === "classes" && (
            <FormField
              id="queue-classes"
              label="Classes"
              hint="Comma-separated; keys 1–9 pick them in this order"
              error={fieldMessage(errors.classes) ?? schemaError}
            >
              {(control) => <Input {...control} {...form.register("classes")} placeholder="legit, fraud" />}
            </FormField>
          )}
          {kind === "number" && (
            <>
              <FormField id="queue-min" label="Minimum (optional)" error={fieldMessage(errors.min) ?? schemaError}>
                {(control) => <Input {...control} {...form.register("min")} type="number" step="any" />}
              </FormField>
              <FormField id="queue-max" label="Maximum (optional)">
                {(control) => <Input {...control} {...form.register("max")} type="number" step="any" />}
              </FormField>
            </>
          )}
          {kind === "rating" && (
            <>
              <FormField id="queue-scale" label="Scale (2–10)" error={fieldMessage(errors.scale) ?? schemaError}>
                {(control) => <Input {...control} {...form.register("scale")} type="number" min={2} max={10} />}
              </FormField>
              <label className="flex items-center gap-2 self-end pb-2 text-sm text-slate-700">
                <input type="checkbox" {...form.register("comment")} /> Allow a comment
              </label>
            </>
          )}
        </div>
        <SamplingFields />
        <FormFooter
          error={errors.root?.server?.message}
          pending={create.isPending}
          submitLabel="Create queue"
          pendingLabel="Creating…"
          submitTestId="queue-create-submit"
          errorTestId="queue-create-error"
        />
      </form>
    </FormProvider>
  );
}
