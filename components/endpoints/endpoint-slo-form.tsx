"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { FormField } from "@/components/ui/form-field";
import { InlineSaveFooter } from "@/components/ui/inline-save-footer";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/lib/trpc";
import { DEFAULT_SLO, endpointSloInput } from "@/server/services/monitoring/slo-rules";

// The objective is edited as a percentage; rounding keeps 99.9 / 100 from becoming 0.9990000000000001.
const fromPercent = (text: string) => Number((Number(text) / 100).toPrecision(12));
const toPercent = (ratio: number) => String(Number((ratio * 100).toPrecision(12)));

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
  const [values, setValues] = useState({ p99Ms: String(slo.p99Ms), availability: toPercent(slo.availability) });
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(
    trpc.endpoints.setSlo.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.endpoints.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.latency.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = endpointSloInput.safeParse({
      endpointId,
      p99Ms: Number(values.p99Ms),
      availability: fromPercent(values.availability),
    });
    setProblem(parsed.success ? null : (parsed.error.issues[0]?.message ?? "Check the values"));
    if (parsed.success) save.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} className="space-y-3" data-testid="endpoint-slo-form">
      <FormField
        id="slo-p99"
        label="p99 latency target (ms)"
        hint={`Over the last hour; default ${DEFAULT_SLO.p99Ms} ms`}
      >
        {(control) => (
          <Input
            {...control}
            type="number"
            step="any"
            min="1"
            max="60000"
            disabled={!canEdit}
            value={values.p99Ms}
            onChange={(e) => setValues({ ...values, p99Ms: e.target.value })}
          />
        )}
      </FormField>
      <FormField
        id="slo-availability"
        label="Requests without a server error (%)"
        hint={`90–99.999; default ${toPercent(DEFAULT_SLO.availability)} %. The error budget is the rest.`}
      >
        {(control) => (
          <Input
            {...control}
            type="number"
            step="any"
            min="90"
            max="99.999"
            disabled={!canEdit}
            value={values.availability}
            onChange={(e) => setValues({ ...values, availability: e.target.value })}
          />
        )}
      </FormField>
      {canEdit ? (
        <InlineSaveFooter label="Save objectives" problem={problem} mutation={save} />
      ) : (
        <p className="text-xs text-slate-500">Data scientists set their endpoints&apos; objectives.</p>
      )}
    </form>
  );
}
