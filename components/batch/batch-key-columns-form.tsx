"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from "@/contracts/batch-jobs";
import type { UploadedDataset } from "@/components/batch/upload-dataset";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { formatBytes } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

const formSchema = z.object({
  keyColumns: z.array(z.string()).min(1, "Pick at least one column that identifies a row").max(10, "At most 10"),
  batchSize: z.coerce.number<string>().int().min(1).max(MAX_BATCH_SIZE),
});

type Props = {
  modelName: string;
  version: number;
  dataset: UploadedDataset;
  onStarted: () => void;
  onBack: () => void;
};

/** Step two: which of the dataset's columns are copied into every result row (its keys), then start. */
export function BatchKeyColumnsForm({ modelName, version, dataset, onStarted, onBack }: Props) {
  const trpc = useTRPC();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { keyColumns: dataset.columns.slice(0, 1), batchSize: String(DEFAULT_BATCH_SIZE) },
  });
  const create = useMutation(
    trpc.batch.create.mutationOptions({
      onSuccess: onStarted,
      onError: (error) => applyServerError(form.setError, error, { fields: ["keyColumns", "batchSize"] }),
    }),
  );
  const submit = form.handleSubmit((values) =>
    create.mutate({ modelName, version, inputArtifactId: dataset.id, ...values }),
  );
  return (
    <form onSubmit={submit} className="space-y-3" noValidate data-testid="batch-start">
      <p className="text-sm text-slate-700">
        <span className="font-medium">{dataset.path.split("/").at(-1)}</span> · {formatBytes(dataset.sizeBytes)} ·{" "}
        {dataset.columns.length} columns
      </p>
      <fieldset aria-describedby="batch-keys-hint">
        <legend className="mb-1 text-sm font-medium text-slate-700">Key columns</legend>
        <p id="batch-keys-hint" className="mb-2 text-xs text-slate-500">
          Copied into every result row, so the results join back to your data.
        </p>
        <div className="flex max-h-40 flex-wrap gap-x-4 gap-y-1 overflow-y-auto" data-testid="batch-key-columns">
          {dataset.columns.map((column) => (
            <label key={column} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" value={column} {...form.register("keyColumns")} />
              <span className="font-mono text-xs">{column}</span>
            </label>
          ))}
        </div>
        {form.formState.errors.keyColumns && (
          <p className="mt-1 text-sm text-rose-700">{fieldMessage(form.formState.errors.keyColumns)}</p>
        )}
      </fieldset>
      <FormField
        id="batch-size"
        label="Rows per request"
        hint={`1–${MAX_BATCH_SIZE.toLocaleString("en-US")}`}
        error={fieldMessage(form.formState.errors.batchSize)}
      >
        {(control) => <Input {...control} {...form.register("batchSize")} inputMode="numeric" className="w-32" />}
      </FormField>
      <div className="flex items-center gap-2">
        <Button variant="ghost" size="sm" onClick={onBack}>
          Choose another file
        </Button>
        <FormFooter
          pending={create.isPending}
          submitLabel="Start batch job"
          pendingLabel="Starting…"
          error={create.error?.message}
          submitTestId="batch-start-submit"
        />
      </div>
      {create.data && (
        <p className="text-sm text-emerald-700">
          Started: <Link href={`/models/${encodeURIComponent(modelName)}/batch-jobs/${create.data.id}`}>open it</Link>
        </p>
      )}
    </form>
  );
}
