"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { MAX_IDLE_MINUTES, scaleToZeroInput } from "@/contracts/scale-to-zero";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";

const formSchema = z
  .object({ endpointId: z.string(), enabled: z.boolean(), idleMinutes: z.string() })
  .transform((values): z.input<typeof scaleToZeroInput> => ({
    endpointId: values.endpointId,
    idleMinutes: values.enabled ? Number(values.idleMinutes) : null,
  }))
  .pipe(scaleToZeroInput);

const DEFAULT_IDLE_MINUTES = 15;

const RUNTIME_NOTE = {
  applied: "Saved; the runtime uses it now.",
  "not-serving": "Saved; the runtime does not serve this endpoint now, its next deployment uses it.",
  unreachable: "Saved, but the runtime did not answer: its next deployment uses it.",
} as const;

/** Whether the endpoint unloads its models when idle (costing nothing) and wakes on its next request. */
export function EndpointScaleToZeroForm({
  endpointId,
  idleSeconds,
  canEdit,
}: {
  endpointId: string;
  idleSeconds: number | null;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // `values` (not a remount) follows the saved setting, so the note of what was saved outlives the refetch.
  const form = useForm({
    resolver: zodResolver(formSchema),
    values: {
      endpointId,
      enabled: idleSeconds !== null,
      idleMinutes: String(idleSeconds === null ? DEFAULT_IDLE_MINUTES : Math.round(idleSeconds / 60)),
    },
  });
  const { errors } = form.formState;
  const enabled = useWatch({ control: form.control, name: "enabled" });
  const save = useMutation(
    trpc.endpoints.setScaleToZero.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, { fields: ["idleMinutes"] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-scale-to-zero-form">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input type="checkbox" {...form.register("enabled")} disabled={!canEdit} />
        Scale to zero when idle
      </label>
      <FormField
        id="scale-to-zero-idle"
        label="Idle time before scaling to zero (minutes)"
        hint={`1–${MAX_IDLE_MINUTES.toLocaleString("en-US")}. Asleep it costs nothing; the first request wakes it and is answered 503 with Retry-After until it serves.`}
        error={fieldMessage(errors.idleMinutes)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("idleMinutes")}
            type="number"
            step="1"
            min="1"
            max={MAX_IDLE_MINUTES}
            disabled={!canEdit || !enabled}
          />
        )}
      </FormField>
      {canEdit ? (
        <>
          <FormFooter error={errors.root?.server?.message} pending={save.isPending} saved={false} submitLabel="Save" />
          {save.data && (
            <p role="status" className="text-xs text-slate-600">
              {RUNTIME_NOTE[save.data.runtime]}
            </p>
          )}
        </>
      ) : (
        <p className="text-xs text-slate-500">Data scientists of the owning team decide whether it scales to zero.</p>
      )}
    </form>
  );
}
