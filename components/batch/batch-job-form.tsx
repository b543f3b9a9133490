"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE } from "@/contracts/batch-jobs";
import { BatchKeyColumnsForm } from "@/components/batch/batch-key-columns-form";
import { uploadDatasetFile, type UploadedDataset } from "@/components/batch/upload-dataset";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { Input } from "@/components/ui/input";

const fileSchema = z.object({
  file: z.custom<FileList>(
    (value) => typeof FileList !== "undefined" && value instanceof FileList && value.length === 1,
    "Choose a CSV file",
  ),
});

/** Step one of a batch job: upload the CSV to score; step two picks its key columns and starts the job. */
export function BatchJobForm({ modelName, version }: { modelName: string; version: number }) {
  const [dataset, setDataset] = useState<UploadedDataset | null>(null);
  const form = useForm({ resolver: zodResolver(fileSchema) });
  const upload = useMutation({
    mutationFn: (file: File) => uploadDatasetFile(modelName, file),
    onSuccess: (uploaded) => setDataset(uploaded),
  });
  const queryClient = useQueryClient();
  if (dataset)
    return (
      <BatchKeyColumnsForm
        modelName={modelName}
        version={version}
        dataset={dataset}
        onStarted={() => {
          setDataset(null);
          form.reset();
          upload.reset();
          void queryClient.invalidateQueries();
        }}
        onBack={() => setDataset(null)}
      />
    );
  return (
    <form
      onSubmit={form.handleSubmit((values) => upload.mutate(values.file.item(0)!))}
      className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-end"
      noValidate
      data-testid="batch-upload"
    >
      <FormField
        id="batch-file"
        label="Dataset (CSV)"
        hint="A header row of column names: every input of the model, and the columns that identify a row."
        error={fieldMessage(form.formState.errors.file)}
      >
        {(control) => <Input {...control} {...form.register("file")} type="file" accept=".csv,text/csv" />}
      </FormField>
      <FormFooter
        pending={upload.isPending}
        submitLabel="Upload"
        pendingLabel="Uploading…"
        error={upload.error?.message}
        submitTestId="batch-upload-submit"
      />
      <p className="text-xs text-slate-500 sm:col-span-2">
        Rows are scored {DEFAULT_BATCH_SIZE.toLocaleString("en-US")} at a time (at most{" "}
        {MAX_BATCH_SIZE.toLocaleString("en-US")}); the result keeps your key columns, so it joins back to your data.
      </p>
    </form>
  );
}
