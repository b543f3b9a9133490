"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/react";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { serverFieldErrors } from "@/components/registry/server-error";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";

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
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const mutation = useMutation(
    trpc.registry.removeAlias.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
    }),
  );
  const server = serverFieldErrors(mutation.error);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The API lets pipelines omit it; people removing an alias by hand should say why.
    if (!reason.trim()) {
      setReasonError("Give a reason");
      return;
    }
    setReasonError(undefined);
    mutation.mutate({ name: modelName, alias, reason: reason.trim() });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="remove-alias-form">
      <FormField id="remove-alias-reason" label="Reason" error={reasonError ?? server.fields.reason}>
        {(control) => (
          <Textarea
            {...control}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setReasonError(undefined);
            }}
            onKeyDown={submitOnCtrlEnter}
            rows={3}
            maxLength={500}
            autoFocus
          />
        )}
      </FormField>
      <FormFooter
        error={server.form}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel={`Remove ${alias}`}
        pendingLabel="Removing…"
        variant="danger"
      />
    </form>
  );
}
