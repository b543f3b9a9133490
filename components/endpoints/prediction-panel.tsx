"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { parseRows } from "@/components/endpoints/prediction-rows";
import { PredictionResult } from "@/components/endpoints/prediction-result";

type Props = { endpointId: string; exampleRow: Record<string, unknown> | null };

/** A JSON editor prefilled with a row built from the serving version's signature; sends it to the endpoint. */
export function PredictionPanel({ endpointId, exampleRow }: Props) {
  const trpc = useTRPC();
  const [text, setText] = useState(() => JSON.stringify(exampleRow ?? {}, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const predict = useMutation(trpc.endpoints.predict.mutationOptions());

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseRows(text);
    if ("problem" in parsed) {
      setProblem(parsed.problem);
      predict.reset();
      return;
    }
    setProblem(null);
    predict.mutate({ endpointId, rows: parsed.rows });
  }

  const error = problem ?? predict.error?.message ?? null;
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      <FormField
        id={`prediction-rows-${endpointId}`}
        label="Request rows (JSON)"
        hint="One object of feature values, or an array of up to 100. Ctrl+Enter sends."
        error={error ?? undefined}
      >
        {(control) => (
          <Textarea
            {...control}
            rows={Math.min(16, Math.max(6, text.split("\n").length))}
            spellCheck={false}
            className="font-mono text-xs"
            value={text}
            onChange={(e) => setText(e.target.value)}
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
          <Button variant="ghost" size="sm" onClick={() => setText(JSON.stringify(exampleRow, null, 2))}>
            Reset to the example row
          </Button>
        )}
      </div>
      {predict.data && !predict.isPending && !error && <PredictionResult result={predict.data} />}
    </form>
  );
}
