"use client";

import type { LabelSchema, LabelValue } from "@/contracts/labels";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { LabelOption } from "@/components/labels/label-option";
import { keyOfIndex } from "@/lib/label-keys";

type Props = {
  schema: LabelSchema;
  /** The class or rating picked so far (by key or click). */
  picked: LabelValue | null;
  onPick: (value: LabelValue) => void;
  /** A number queue's value as typed, and a rating's comment. */
  text: string;
  onText: (text: string) => void;
  comment: string;
  onComment: (comment: string) => void;
};

/** The label's controls for the queue's schema: class buttons (keys 1–9), a number input, or rating keys + comment. */
export function LabelPicker({ schema, picked, onPick, text, onText, comment, onComment }: Props) {
  if (schema.kind === "number") {
    const bounds = [
      schema.min === undefined ? null : `≥ ${schema.min}`,
      schema.max === undefined ? null : `≤ ${schema.max}`,
    ]
      .filter(Boolean)
      .join(", ");
    return (
      <div>
        <label htmlFor="label-number" className="mb-1 block text-sm font-medium text-slate-700">
          The true value{bounds ? ` (${bounds})` : ""}
        </label>
        <Input
          id="label-number"
          type="number"
          step="any"
          min={schema.min}
          max={schema.max}
          value={text}
          onChange={(event) => onText(event.target.value)}
          className="max-w-xs"
          data-testid="label-number"
          autoFocus
        />
      </div>
    );
  }
  if (schema.kind === "classes") {
    return (
      <div role="group" aria-label="Classes" className="flex flex-wrap gap-2">
        {schema.classes.map((label, index) => (
          <LabelOption
            key={label}
            hotkey={keyOfIndex(index)}
            label={label}
            selected={picked?.kind === "classes" && picked.label === label}
            onClick={() => onPick({ kind: "classes", label })}
          />
        ))}
      </div>
    );
  }
  const ratings = Array.from({ length: schema.scale }, (_, i) => i + 1);
  return (
    <div className="space-y-3">
      <div role="group" aria-label="Rating" className="flex flex-wrap gap-2">
        {ratings.map((rating, index) => (
          <LabelOption
            key={rating}
            hotkey={keyOfIndex(index)}
            label={String(rating)}
            selected={picked?.kind === "rating" && picked.rating === rating}
            onClick={() => onPick({ kind: "rating", rating })}
          />
        ))}
      </div>
      {schema.comment && (
        <div>
          <label htmlFor="label-comment" className="mb-1 block text-sm font-medium text-slate-700">
            Comment (optional)
          </label>
          <Textarea
            id="label-comment"
            rows={2}
            maxLength={2000}
            value={comment}
            onChange={(event) => onComment(event.target.value)}
            data-testid="label-comment"
          />
        </div>
      )}
    </div>
  );
}
