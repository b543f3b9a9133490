import { z } from "zod";
import { MAX_LABEL_REASON, labelValueProblem, type LabelSchema, type LabelValue } from "@/contracts/labels";

/** A reviewer's own label as a form holds it: the class / rating / number as text, a comment and a reason. */
export type LabelFormValues = { choice: string; comment: string; reason: string };

/** A rejection's reason, as the server requires it. */
export const rejectFormSchema = z.object({
  reason: z.string().trim().min(1, "Say why the labels are rejected").max(MAX_LABEL_REASON),
});

function valueOf(schema: LabelSchema, choice: string, comment: string): LabelValue | null {
  const text = choice.trim();
  if (text === "") return null;
  if (schema.kind === "classes") return { kind: "classes", label: text };
  const value = Number(text);
  if (!Number.isFinite(value)) return null;
  if (schema.kind === "number") return { kind: "number", value };
  if (!Number.isInteger(value)) return null;
  const note = comment.trim();
  return { kind: "rating", rating: value, ...(schema.comment && note ? { comment: note } : {}) };
}

/** The fix / adjudication form for a queue's label schema: validates the label and gives `{ value, reason }`. */
export function labelFormSchema(schema: LabelSchema) {
  return z
    .object({ choice: z.string(), comment: z.string(), reason: z.string().max(MAX_LABEL_REASON) })
    .superRefine((values, ctx) => {
      const value = valueOf(schema, values.choice, values.comment);
      const problem = value
        ? labelValueProblem(schema, value)
        : schema.kind === "number"
          ? "Type a number"
          : "Pick one";
      if (problem) ctx.addIssue({ code: "custom", path: ["choice"], message: problem });
    })
    .transform((values) => ({
      value: valueOf(schema, values.choice, values.comment)!,
      reason: values.reason.trim() || undefined,
    }));
}
