"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc";
import { updateModelInput } from "@/server/services/registry/schemas";
import { validateForm } from "./field-errors";
import { FormField } from "@/components/ui/form-field";
import { Textarea } from "@/components/ui/textarea";
import { parseTagsText } from "./parse-tags";
import { serverFieldErrors } from "./server-error";
import { submitOnCtrlEnter } from "./submit-on-ctrl-enter";
import { useClientErrors } from "./use-client-errors";

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
      <FormField id="edit-tags" label="Tags" hint="Separate with commas or spaces; at most 20." error={errors.tags ?? errors.changes}>
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
      <FormField id="edit-description" label="Description" hint="Markdown; raw HTML is not rendered." error={errors.description}>
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
      {server.form && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {server.form}
        </p>
      )}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? "Saving…" : "Save"}
        </Button>
      </div>
    </form>
  );
}
