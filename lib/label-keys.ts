import type { LabelSchema, LabelValue } from "@/contracts/labels";

/**
 * The keyboard of the labelling and review pages (pure, so it is unit-tested). Labelling: digits pick the n-th class
 * (classes) or the rating n (ratings), 0 standing for the 10th; J / K move to the next / previous item; Enter submits.
 * A number queue takes its value from its input, so digits type there. Review: A accept, F fix & accept, R reject,
 * J / K next / previous.
 */

export type LabelKeyAction =
  { type: "pick"; value: LabelValue } | { type: "next" } | { type: "previous" } | { type: "submit" };

export type ReviewKeyAction = "accept" | "fix" | "reject" | "next" | "previous";

/** The option a digit key stands for: 1–9 are the first nine, 0 the tenth. */
export function digitIndex(key: string): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  return key === "0" ? 9 : Number(key) - 1;
}

/** The key that picks option `index` (0-based), or null beyond the tenth. */
export function keyOfIndex(index: number): string | null {
  if (index < 0 || index > 9) return null;
  return index === 9 ? "0" : String(index + 1);
}

/** What a key press does on the labelling page, or null when it does nothing. */
export function labelKeyAction(key: string, schema: LabelSchema): LabelKeyAction | null {
  if (key === "Enter") return { type: "submit" };
  const lower = key.toLowerCase();
  if (lower === "j") return { type: "next" };
  if (lower === "k") return { type: "previous" };
  const index = digitIndex(key);
  if (index === null) return null;
  if (schema.kind === "classes") {
    const label = schema.classes[index];
    return label === undefined ? null : { type: "pick", value: { kind: "classes", label } };
  }
  if (schema.kind === "rating") {
    const rating = index + 1;
    return rating > schema.scale ? null : { type: "pick", value: { kind: "rating", rating } };
  }
  return null;
}

/** What a key press does on the review page, or null. */
export function reviewKeyAction(key: string): ReviewKeyAction | null {
  switch (key.toLowerCase()) {
    case "a":
      return "accept";
    case "f":
      return "fix";
    case "r":
      return "reject";
    case "j":
      return "next";
    case "k":
      return "previous";
    default:
      return null;
  }
}

/** Whether a key press comes from somewhere the person types (then page shortcuts stay out of the way). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof target !== "object" || !("tagName" in target)) return false;
  const tag = String(target.tagName).toUpperCase();
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return "isContentEditable" in target && target.isContentEditable === true;
  const type = "type" in target ? String(target.type) : "text";
  return !["checkbox", "radio", "button", "submit"].includes(type);
}

/** A label as people read it: the class, the number, or "4/5 — comment". */
export function labelText(value: LabelValue, schema?: LabelSchema): string {
  if (value.kind === "classes") return value.label;
  if (value.kind === "number") return String(value.value);
  const scale = schema?.kind === "rating" ? `/${schema.scale}` : "";
  return value.comment ? `${value.rating}${scale} — ${value.comment}` : `${value.rating}${scale}`;
}

/** The rows of a prediction's inputs or outputs: an object's fields, or the whole value as one row. */
export function fieldRows(value: unknown): { name: string; value: string }[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).map(([name, v]) => ({ name, value: typeof v === "string" ? v : JSON.stringify(v) }));
  }
  return value === undefined ? [] : [{ name: "value", value: JSON.stringify(value) }];
}

/** The label a labelling draft stands for: the picked class or rating (with its comment), or the typed number. */
export function draftLabel(
  schema: LabelSchema,
  picked: LabelValue | null,
  text: string,
  comment: string,
): LabelValue | null {
  if (schema.kind === "number") {
    const trimmed = text.trim();
    const value = Number(trimmed);
    return trimmed === "" || !Number.isFinite(value) ? null : { kind: "number", value };
  }
  if (schema.kind === "rating") {
    if (picked?.kind !== "rating") return null;
    const note = comment.trim();
    return schema.comment && note ? { kind: "rating", rating: picked.rating, comment: note } : picked;
  }
  return picked?.kind === "classes" ? picked : null;
}
