/**
 * The first message in a field's error. A field typed as text may be checked as a list (tags), so zod reports
 * "tags.2"; the form shows that message under the one "tags" field.
 */
export function fieldMessage(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  if ("message" in error && typeof error.message === "string" && error.message !== "") return error.message;
  for (const [key, nested] of Object.entries(error)) {
    // `ref` is the field's DOM element, never a nested error.
    const message = key === "ref" ? undefined : fieldMessage(nested);
    if (message !== undefined) return message;
  }
  return undefined;
}

/** The message at a dotted path of a form's errors ("strategy.canaryPercent"). */
export function fieldMessageAt(errors: unknown, path: string): string | undefined {
  let error = errors;
  for (const key of path.split(".")) {
    if (typeof error !== "object" || error === null || !(key in error)) return undefined;
    error = Reflect.get(error, key);
  }
  return fieldMessage(error);
}
