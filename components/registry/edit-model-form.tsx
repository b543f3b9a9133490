"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { updateModelInput } from "@/contracts/registry";
import { parseTagsText } from "@/components/registry/parse-tags";

/** Tags are typed as one line of text; the server's schema judges the list it becomes. */
const formSchema = z
  .object({ description: z.string(), tags: z.string() })
  .transform((values): z.input<typeof updateModelInput> => ({
    description: values.description,
    tags: parseTagsText(values.tags),
  }))
  .pipe(updateModelInput);

type Props = { name: string; description: string; tags: string[]; onDone: () => void };

export function EditModelForm({ name, description, tags, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { description, tags: tags.join(", ") },
  });
  const { errors } = form.formState;
  const mutation = useMutation(
    trpc.registry.updateModel.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["tags", "description"],
          aliases: { changes: "tags", "changes.tags": "tags", "changes.description": "description" },
        }),
    }),
  );
  const submit = form.handleSubmit((changes) => mutation.mutate({ name, changes }));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="edit-model-form">
      <FormField
        id="edit-tags"
        label="Tags"
        hint="Separate with commas or spaces; at most 20."
        error={fieldMessage(errors.tags)}
      >
        {(control) => <Input {...control} {...form.register("tags")} autoComplete="off" autoFocus />}
      </FormField>
      <FormField
        id="edit-description"
        label="Description"
        hint="Markdown; raw HTML is not rendered."
        error={fieldMessage(errors.description)}
      >
        {(control) => (
          <Textarea
            {...control}
            {...form.register("description")}
            onKeyDown={submitOnCtrlEnter}
            rows={10}
            className="font-mono"
          />
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
