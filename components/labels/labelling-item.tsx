"use client";

import { useEffect, useRef, useState } from "react";
import { labelValueProblem, type LabelSchema, type LabelValue } from "@/contracts/labels";
import { LabelPicker } from "@/components/labels/label-picker";
import { PredictionDetails, type PredictionView } from "@/components/labels/prediction-details";
import { Button } from "@/components/ui/button";
import { draftLabel, isTypingTarget, labelKeyAction } from "@/lib/label-keys";

type Props = {
  item: PredictionView & { id: string; round: number };
  schema: LabelSchema;
  pending: boolean;
  error: string | null;
  onSubmit: (value: LabelValue) => void;
  onMove: (step: 1 | -1) => void;
};

/** One item to label, blind: the prediction, the label controls and the keyboard (digits, J/K, Enter). */
export function LabellingItem({ item, schema, pending, error, onSubmit, onMove }: Props) {
  const [picked, setPicked] = useState<LabelValue | null>(null);
  const [text, setText] = useState("");
  const [comment, setComment] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const value = draftLabel(schema, picked, text, comment);

  const submit = () => {
    if (pending) return;
    if (!value) {
      setProblem(schema.kind === "number" ? "Type the value first" : "Pick a label first");
      return;
    }
    const invalid = labelValueProblem(schema, value);
    setProblem(invalid);
    if (!invalid) onSubmit(value);
  };
  const latest = useRef({ submit, onMove, schema });
  useEffect(() => {
    latest.current = { submit, onMove, schema };
  });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.metaKey || (event.ctrlKey && event.key !== "Enter")) return;
      const typing = isTypingTarget(event.target);
      // Esc leaves the number input or comment box, so J / K move again.
      if (typing && event.key === "Escape" && event.target instanceof HTMLElement) {
        event.target.blur();
        return;
      }
      const inTextArea = event.target instanceof HTMLTextAreaElement;
      if (typing && event.key !== "Enter") return;
      if (inTextArea && !event.ctrlKey) return;
      const action = labelKeyAction(event.key, latest.current.schema);
      if (!action) return;
      event.preventDefault();
      if (action.type === "pick") {
        setPicked(action.value);
        setProblem(null);
      } else if (action.type === "submit") latest.current.submit();
      else latest.current.onMove(action.type === "next" ? 1 : -1);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const message = problem ?? error;
  return (
    <div className="space-y-6" data-testid="labelling-item" data-item-id={item.id}>
      <PredictionDetails item={item} />
      <div className="rounded-lg border border-slate-200 bg-slate-50 p-4">
        <h2 className="mb-3 text-sm font-semibold text-slate-800">Your label</h2>
        <LabelPicker
          schema={schema}
          picked={picked}
          onPick={(next) => {
            setPicked(next);
            setProblem(null);
          }}
          text={text}
          onText={setText}
          comment={comment}
          onComment={setComment}
        />
        {message && (
          <p role="alert" className="mt-3 text-sm text-rose-700" data-testid="label-error">
            {message}
          </p>
        )}
        <div className="mt-4 flex items-center gap-3">
          <Button onClick={submit} disabled={pending} data-testid="submit-label">
            {pending ? "Submitting…" : "Submit"}
          </Button>
          <span className="text-xs text-slate-500" data-testid="picked-label">
            {value ? "Ready to submit" : "Nothing picked yet"}
          </span>
        </div>
      </div>
    </div>
  );
}
