"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";
import { updateModelInput } from "@/contracts/registry";
import { validateForm } from "@/components/registry/field-errors";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { parseTagsText } from "@/components/registry/parse-tags";
import { serverFieldErrors } from "@/components/registry/server-error";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { useClientErrors } from "@/components/registry/use-client-errors";

type Props = { name: string; description: string; tags: string[]; onDone: () => void };

export function EditModelForm({ name, description: initialDescription, tags: initialTags, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [description, setDescription] = useState(initialDescription);
  const [tags, setTags] = useState(initialTags.join(", "));
  const { errors: clientErrors, setErrors: setClientErrors, clear } = useClientErrors();
  const mutation = useMutation(
    trpc.registry.updateModel.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
    }),
  );
  const server = serverFieldErrors(mutation.error);
  const errors = { ...server.fields, ...clientErrors };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = validateForm(updateModelInput, { description, tags: parseTagsText(tags) });
    if (!result.ok) {
      setClientErrors(result.errors);
      return;
    }
    setClientErrors({});
    mutation.mutate({ name, changes: result.data });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="edit-model-form">
      <FormField
        id="edit-tags"
        label="Tags"
        hint="Separate with commas or spaces; at most 20."
        error={errors.tags ?? errors.changes}
      >
        {(control) => (
          <Input
            {...control}
            value={tags}
            onChange={(e) => {
              setTags(e.target.value);
              clear("tags");
            }}
            autoComplete="off"
            autoFocus
          />
        )}
      </FormField>
      <FormField
        id="edit-description"
        label="Description"
        hint="Markdown; raw HTML is not rendered."
        error={errors.description}
      >
        {(control) => (
          <Textarea
            {...control}
            value={description}
            onChange={(e) => {
              setDescription(e.target.value);
              clear("description");
            }}
            onKeyDown={submitOnCtrlEnter}
            rows={10}
            className="font-mono"
          />
        )}
      </FormField>
      <FormFooter
        error={server.form}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel="Save"
        pendingLabel="Saving…"
      />
    </form>
  );
}
