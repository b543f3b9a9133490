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
import { DEFAULT_EXPECTED_COLUMN, GOLDEN_CSV_MAX_BYTES, goldenSetNameSchema } from "@/contracts/golden-sets";

const formSchema = z.object({
  name: goldenSetNameSchema,
  expectedColumn: z.string().trim().min(1, "Name the column with the expected outcome"),
  file: z
    .custom<FileList>(
      (value) => typeof FileList !== "undefined" && value instanceof FileList && value.length === 1,
      "Choose a CSV file",
    )
    .refine((files) => (files.item(0)?.size ?? 0) <= GOLDEN_CSV_MAX_BYTES, "The file is over 5 MiB"),
});

/** Uploads a CSV as a new golden set version; the server checks every row against the model's latest signature. */
export function GoldenSetUploadForm({ modelName }: { modelName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { name: "", expectedColumn: DEFAULT_EXPECTED_COLUMN },
  });
  const { errors } = form.formState;
  const upload = useMutation(
    trpc.goldenSets.upload.mutationOptions({
      onSuccess: () => {
        form.reset({ name: "", expectedColumn: DEFAULT_EXPECTED_COLUMN });
        void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.pathKey() });
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["name", "expectedColumn"] }),
    }),
  );
  const submit = form.handleSubmit(async (values) => {
    const file = values.file.item(0)!;
    upload.mutate({
      modelName,
      name: values.name,
      expectedColumn: values.expectedColumn,
      fileName: file.name,
      content: await file.text(),
    });
  });
  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3" noValidate data-testid="golden-set-upload">
      <FormField
        id="golden-name"
        label="Name"
        hint="Uploading an existing name makes its next version."
        error={fieldMessage(errors.name)}
      >
        {(control) => <Input {...control} {...form.register("name")} placeholder="holdout" autoComplete="off" />}
      </FormField>
      <FormField id="golden-expected" label="Expected-outcome column" error={fieldMessage(errors.expectedColumn)}>
        {(control) => <Input {...control} {...form.register("expectedColumn")} autoComplete="off" />}
      </FormField>
      <FormField
        id="golden-file"
        label="CSV file"
        hint="Header row: every input and the expected column."
        error={fieldMessage(errors.file)}
      >
        {(control) => <Input {...control} {...form.register("file")} type="file" accept=".csv,text/csv" />}
      </FormField>
      <div className="sm:col-span-3">
        <FormFooter
          pending={upload.isPending}
          submitLabel="Upload golden set"
          pendingLabel="Checking rows…"
          error={upload.error?.message}
        />
      </div>
    </form>
  );
}
