"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import type { ServingSla } from "@/contracts/serving-modes";
import { describeSla } from "@/lib/format-sla";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorTargets } from "@/components/forms/server-error";
import { Card } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import {
  slaFormValuesOf,
  versionSlaFormSchema,
  type VersionSlaFormValues,
} from "@/components/registry/version-sla-form-schema";
import { useTRPC } from "@/trpc/react";

/** Where the service's refusals land: its input's paths, named after the form's inputs. */
const SERVER_FIELDS = {
  fields: ["payloadMb", "timeoutSeconds", "latencyMs"],
  aliases: {
    "sla.maxPayloadBytes": "payloadMb",
    "sla.timeoutSeconds": "timeoutSeconds",
    "sla.latencyP99Ms": "latencyMs",
  },
} as const satisfies ServerErrorTargets<keyof VersionSlaFormValues>;

const FIELDS: { name: keyof VersionSlaFormValues; label: string; hint: string }[] = [
  { name: "payloadMb", label: "Largest payload (MB)", hint: "One request's body; 1 MB = 1,048,576 bytes." },
  { name: "timeoutSeconds", label: "Processing timeout (s)", hint: "How long one request may take to process." },
  { name: "latencyMs", label: "p99 latency (ms)", hint: "Callers wait for the answer: only real time can meet it." },
];

type Props = { modelName: string; version: number; sla: ServingSla | null; canEdit: boolean; className?: string };

/**
 * What the version needs of the endpoint that serves it. The promote dialog checks it against each serving mode's
 * limits, and a promotion whose mode it does not fit is refused before anything is applied.
 */
export function VersionSlaCard({ modelName, version, sla, canEdit, className }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // `values` (not a remount) follows the saved SLA, so the note of what was saved outlives the refetch.
  const form = useForm({ resolver: zodResolver(versionSlaFormSchema), values: slaFormValuesOf(sla) });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.registry.setVersionSla.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.servingModes.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, SERVER_FIELDS),
    }),
  );
  const submit = form.handleSubmit((input) => save.mutate({ name: modelName, version, ...input }));
  return (
    <Card title="Serving SLA" className={className}>
      <p className="mb-3 text-sm text-slate-600" data-testid="version-sla">
        {sla ? `Declared: ${describeSla(sla)}.` : "None declared: promotions check no limit."} Promotions check it
        against the limits of the serving mode they pick, which the promote dialog shows for each target.
      </p>
      <form onSubmit={submit} className="space-y-3" noValidate data-testid="version-sla-form">
        <div className="grid gap-3 sm:grid-cols-3">
          {FIELDS.map(({ name, label, hint }) => (
            <FormField
              key={name}
              id={`version-sla-${name}`}
              label={label}
              hint={hint}
              error={fieldMessage(errors[name])}
            >
              {(control) => (
                <Input
                  {...control}
                  {...form.register(name)}
                  inputMode="decimal"
                  autoComplete="off"
                  placeholder="not declared"
                  disabled={!canEdit}
                />
              )}
            </FormField>
          ))}
        </div>
        {canEdit && (
          <FormFooter
            error={errors.root?.server?.message}
            pending={save.isPending}
            saved={save.isSuccess}
            submitLabel="Save SLA"
            pendingLabel="Saving…"
            submitTestId="version-sla-save"
          />
        )}
      </form>
    </Card>
  );
}
