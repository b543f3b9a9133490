"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { LABEL_STRATA } from "@/contracts/label-strata";
import { goldenSetNameSchema } from "@/contracts/golden-sets";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";

const formSchema = z
  .object({
    name: goldenSetNameSchema,
    queueId: z.string(),
    stratum: z.union([z.literal(""), z.enum(LABEL_STRATA)]),
    from: z.string(),
    to: z.string(),
  })
  .refine((v) => v.from === "" || v.to === "" || v.from < v.to, { message: "Must be after From", path: ["to"] });

type Values = z.infer<typeof formSchema>;

/** The form's choices as the server's filter: dates are whole UTC days, "to" inclusive. */
function filterOf(modelName: string, values: Omit<Values, "name">) {
  const day = (text: string, plusDays = 0) => {
    const at = new Date(`${text}T00:00:00Z`);
    return Number.isNaN(at.getTime()) ? undefined : new Date(at.getTime() + plusDays * 86_400_000);
  };
  return {
    modelName,
    queueId: values.queueId || undefined,
    strata: values.stratum ? [values.stratum] : undefined,
    from: values.from ? day(values.from) : undefined,
    to: values.to ? day(values.to, 1) : undefined,
  };
}

/**
 * Freezes the model's accepted labels (all queues or one, a date range of decisions, one stratum) into a new golden
 * set version, with a live count of the labels it would take and an empty state when there are none.
 */
export function FreezeFromLabelsForm({ modelName }: { modelName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values>({
    resolver: zodResolver(formSchema),
    defaultValues: { name: "", queueId: "", stratum: "", from: "", to: "" },
  });
  const { errors } = form.formState;
  const [queueId, stratum, from, to] = useWatch({ control: form.control, name: ["queueId", "stratum", "from", "to"] });
  const rangeOk = from === "" || to === "" || from <= to;
  const preview = useQuery({
    ...trpc.goldenSets.acceptedLabels.queryOptions(filterOf(modelName, { queueId, stratum, from, to })),
    enabled: rangeOk,
  });
  const freeze = useMutation(
    trpc.goldenSets.freezeFromLabels.mutationOptions({
      onSuccess: () => {
        form.reset({ name: "", queueId, stratum, from, to });
        void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["name"] }),
    }),
  );
  const submit = form.handleSubmit((values) =>
    freeze.mutate({ filter: filterOf(modelName, values), name: values.name }),
  );
  const total = preview.data?.total ?? 0;
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" noValidate data-testid="golden-set-freeze">
      <p className="text-sm font-medium text-slate-800 sm:col-span-3">Freeze from accepted labels</p>
      <FormField id="freeze-queue" label="Label queue">
        {(control) => (
          <Select {...control} {...form.register("queueId")}>
            <option value="">All of the model&apos;s queues</option>
            {preview.data?.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </Select>
        )}
      </FormField>
      <FormField id="freeze-stratum" label="Sampled because">
        {(control) => (
          <Select {...control} {...form.register("stratum")}>
            <option value="">Any stratum</option>
            {LABEL_STRATA.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        )}
      </FormField>
      <FormField id="freeze-name" label="Name" error={fieldMessage(errors.name)}>
        {(control) => <Input {...control} {...form.register("name")} placeholder="reviewed" autoComplete="off" />}
      </FormField>
      <FormField id="freeze-from" label="Accepted from (UTC day)">
        {(control) => <Input {...control} {...form.register("from")} type="date" />}
      </FormField>
      <FormField id="freeze-to" label="Accepted to (UTC day, inclusive)" error={fieldMessage(errors.to)}>
        {(control) => <Input {...control} {...form.register("to")} type="date" />}
      </FormField>
      <div className="text-sm text-slate-700" aria-live="polite" data-testid="freeze-preview">
        {preview.isPending && rangeOk ? (
          "Counting accepted labels…"
        ) : preview.isError ? (
          <span className="text-rose-700">Could not count: {preview.error.message}</span>
        ) : total === 0 ? (
          <span className="text-slate-500">
            No accepted labels match. Labels become usable here once a reviewer accepts them in the model&apos;s label
            queue.
          </span>
        ) : (
          <span>
            <span data-testid="freeze-count">{total}</span> accepted labels (
            {preview.data?.byStratum.map((s) => `${s.stratum} ${s.count}`).join(", ")})
          </span>
        )}
      </div>
      <div className="sm:col-span-3">
        {total > 0 && (
          <FormFooter
            pending={freeze.isPending}
            submitLabel={`Freeze ${total} labels as a golden set`}
            pendingLabel="Freezing…"
            error={freeze.error?.message}
            submitTestId="freeze-submit"
          />
        )}
      </div>
    </form>
  );
}
