"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { parseRows } from "@/components/endpoints/prediction-rows";
import { PredictionResult } from "@/components/endpoints/prediction-result";
import { ExplainPanel } from "@/components/endpoints/explain-panel";

/** The editor's text as request rows, with parseRows' words for what is wrong with it. */
const formSchema = z.object({
  rows: z.string().transform((text, ctx) => {
    const parsed = parseRows(text);
    if ("rows" in parsed) return parsed.rows;
    ctx.addIssue({ code: "custom", message: parsed.problem });
    return z.NEVER;
  }),
});

type Props = {
  endpointId: string;
  exampleRow: Record<string, unknown> | null;
  /** Whether its target explains a prediction (the local runtime); SageMaker components answer predictions only. */
  explains?: boolean;
};

/** A JSON editor prefilled with a row built from the serving version's signature; sends it to the endpoint. */
export function PredictionPanel({ endpointId, exampleRow, explains = true }: Props) {
  const trpc = useTRPC();
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { rows: JSON.stringify(exampleRow ?? {}, null, 2) },
  });
  const text = useWatch({ control: form.control, name: "rows" });
  const { errors } = form.formState;
  const predict = useMutation(
    trpc.endpoints.predict.mutationOptions({
      // The runtime's refusal (a feature of the wrong type) is about the rows too, so it shows under the editor.
      onError: (error) => applyServerError(form.setError, error, { fields: ["rows"], aliases: { "": "rows" } }),
    }),
  );
  const submit = form.handleSubmit(
    (values) => predict.mutate({ endpointId, rows: values.rows }),
    () => predict.reset(),
  );

  const error = fieldMessage(errors.rows) ?? errors.root?.server?.message;
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <FormField
        id={`prediction-rows-${endpointId}`}
        label="Request rows (JSON)"
        hint="One object of feature values, or an array of up to 100. Ctrl+Enter sends."
        error={error}
      >
        {(control) => (
          <Textarea
            {...control}
            {...form.register("rows")}
            rows={Math.min(16, Math.max(6, text.split("\n").length))}
            spellCheck={false}
            className="font-mono text-xs"
            onKeyDown={submitOnCtrlEnter}
            data-testid="prediction-input"
          />
        )}
      </FormField>
      <div className="flex items-center gap-2">
        <Button type="submit" disabled={predict.isPending} data-testid="prediction-submit">
          {predict.isPending ? "Sending…" : "Send prediction"}
        </Button>
        {exampleRow && (
          <Button variant="ghost" size="sm" onClick={() => form.setValue("rows", JSON.stringify(exampleRow, null, 2))}>
            Reset to the example row
          </Button>
        )}
      </div>
      {predict.data && !predict.isPending && !error && (
        <>
          <PredictionResult result={predict.data} />
          {/* Keyed by the prediction, so a new prediction starts without the previous one's explanation. */}
          {explains && (
            <ExplainPanel
              key={predict.data.predictionId}
              endpointId={endpointId}
              rows={predict.variables.rows}
              variant={predict.data.variant}
            />
          )}
        </>
      )}
    </form>
  );
}
