import type { z } from "zod";

export type FieldErrors = Partial<Record<string, string>>;

/** The first message per top-level field, from zod issues or the tRPC error's zodIssues. */
export function toFieldErrors(
  issues: readonly { path: string | readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = String(typeof issue.path === "string" ? issue.path.split(".")[0] : (issue.path[0] ?? ""));
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Validates a form with the server's own schema, so the browser shows the same rules before sending. */
export function validateForm<T extends z.ZodType>(schema: T, value: unknown) {
  const result = schema.safeParse(value);
  return result.success
    ? ({ ok: true, data: result.data } as const)
    : ({ ok: false, errors: toFieldErrors(result.error.issues) } as const);
}
