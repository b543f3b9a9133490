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
import { DEFAULT_SLO, endpointSloInput } from "@/contracts/slo-rules";

// The objective is edited as a percentage; rounding keeps 99.9 / 100 from becoming 0.9990000000000001.
const fromPercent = (text: string) => Number((Number(text) / 100).toPrecision(12));
const toPercent = (ratio: number) => String(Number((ratio * 100).toPrecision(12)));

const formSchema = z
  .object({ endpointId: z.string(), p99Ms: z.string(), availability: z.string() })
  .transform((values): z.input<typeof endpointSloInput> => ({
    endpointId: values.endpointId,
    p99Ms: Number(values.p99Ms),
    availability: fromPercent(values.availability),
  }))
  .pipe(endpointSloInput);

/** The endpoint's SLO: the p99 target and availability objective the latency page and the SLO alerts hold it to. */
export function EndpointSloForm({
  endpointId,
  slo,
  canEdit,
}: {
  endpointId: string;
  slo: { p99Ms: number; availability: number };
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { endpointId, p99Ms: String(slo.p99Ms), availability: toPercent(slo.availability) },
  });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.endpoints.setSlo.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.latency.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["p99Ms", "availability"] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate(values));
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-slo-form">
      <FormField
        id="slo-p99"
        label="p99 latency target (ms)"
        hint={`Over the last hour; default ${DEFAULT_SLO.p99Ms} ms`}
        error={fieldMessage(errors.p99Ms)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("p99Ms")}
            type="number"
            step="any"
            min="1"
            max="60000"
            disabled={!canEdit}
          />
        )}
      </FormField>
      <FormField
        id="slo-availability"
        label="Requests without a server error (%)"
        hint={`90–99.999; default ${toPercent(DEFAULT_SLO.availability)} %. The error budget is the rest.`}
        error={fieldMessage(errors.availability)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("availability")}
            type="number"
            step="any"
            min="90"
            max="99.999"
            disabled={!canEdit}
          />
        )}
      </FormField>
      {canEdit ? (
        <FormFooter
          error={errors.root?.server?.message}
          pending={save.isPending}
          saved={save.isSuccess}
          submitLabel="Save objectives"
        />
      ) : (
        <p className="text-xs text-slate-500">Data scientists set their endpoints&apos; objectives.</p>
      )}
    </form>
  );
}
