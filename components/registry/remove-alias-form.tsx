"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { reasonSchema, removeAliasInput } from "@/contracts/registry";

// The API lets pipelines omit it; people removing an alias by hand should say why.
const formSchema = removeAliasInput.extend({ reason: reasonSchema });

export function RemoveAliasForm({
  modelName,
  alias,
  onDone,
}: {
  modelName: string;
  alias: string;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { reason: "" } });
  const { errors } = form.formState;
  const mutation = useMutation(
    trpc.registry.removeAlias.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["reason"] }),
    }),
  );
  const submit = form.handleSubmit((values) => mutation.mutate({ name: modelName, alias, ...values }));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="remove-alias-form">
      <FormField id="remove-alias-reason" label="Reason" error={fieldMessage(errors.reason)}>
        {(control) => (
          <Textarea
            {...control}
            {...form.register("reason")}
            onKeyDown={submitOnCtrlEnter}
            rows={3}
            maxLength={500}
            autoFocus
          />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel={`Remove ${alias}`}
        pendingLabel="Removing…"
        variant="danger"
      />
    </form>
  );
}
