import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

/** What a failed tRPC mutation carries (TRPCClientErrorLike<AppRouter> fits it). */
export type ServerErrorLike = {
  message: string;
  data?: {
    zodIssues?: readonly { path: string; message: string }[] | null;
    appErrorCode?: string | null;
  } | null;
};

type RefusalCode = "CONFLICT" | "NOT_FOUND" | "BAD_REQUEST";

export type ServerErrorTargets<F extends string> = {
  /** The form's fields; a zod issue lands on the one its path (or the nearest path above it) names. */
  fields: readonly F[];
  /** Server paths that differ from the form's field names ("strategy.canaryPercent" → "canaryPercent"). */
  aliases?: Readonly<Partial<Record<string, F>>>;
  /** A refusal the server explains in words (duplicate name, unknown team) that belongs to one field. */
  fieldFor?: Readonly<Partial<Record<RefusalCode, F>>>;
};

export type ServerErrorPlan<F extends string> = { fields: { name: F; message: string }[]; form: string | null };

const REFUSAL_CODES: readonly string[] = ["CONFLICT", "NOT_FOUND", "BAD_REQUEST"] satisfies RefusalCode[];

const isRefusalCode = (code: string | null | undefined): code is RefusalCode =>
  code !== null && code !== undefined && REFUSAL_CODES.includes(code);

const PRETTIFIED_ZOD = /^(Invalid input: )?✖\s*/;

/** A prettified zod message ("✖ Too short\n  → at name") says its first issue; any other message stays whole. */
const plainMessage = (message: string) =>
  PRETTIFIED_ZOD.test(message) ? (message.replace(PRETTIFIED_ZOD, "").split("\n")[0] ?? message) : message;

/** The field for a path, or for the nearest path above it ("changes.tags.2" → "changes.tags" → "changes"). */
function fieldFor<F extends string>(path: string, targets: ServerErrorTargets<F>): F | undefined {
  const parts = path.split(".");
  for (let length = parts.length; length > 0; length--) {
    const prefix = parts.slice(0, length).join(".");
    const field = targets.aliases?.[prefix] ?? targets.fields.find((name) => name === prefix);
    if (field !== undefined) return field;
  }
  return undefined;
}

/** Where each part of a server error belongs: zod issues on their fields, anything else in the form's footer. */
export function serverErrorPlan<F extends string>(
  error: ServerErrorLike,
  targets: ServerErrorTargets<F>,
): ServerErrorPlan<F> {
  const plan: ServerErrorPlan<F> = { fields: [], form: null };
  const issues = error.data?.zodIssues ?? [];
  for (const issue of issues) {
    const name = fieldFor(issue.path, targets);
    if (name === undefined) plan.form ??= issue.path ? `${issue.path}: ${issue.message}` : issue.message;
    else if (!plan.fields.some((field) => field.name === name)) plan.fields.push({ name, message: issue.message });
  }
  if (issues.length > 0) return plan;
  const code = error.data?.appErrorCode;
  const field = isRefusalCode(code) ? targets.fieldFor?.[code] : undefined;
  const message = plainMessage(error.message);
  return field ? { fields: [{ name: field, message }], form: null } : { fields: [], form: message };
}

/** Puts a failed mutation's error on the form: `setError` per field, the rest on `root.server` for FormFooter. */
export function applyServerError<T extends FieldValues>(
  setError: UseFormSetError<T>,
  error: ServerErrorLike,
  targets: ServerErrorTargets<Path<T>>,
) {
  const plan = serverErrorPlan(error, targets);
  for (const { name, message } of plan.fields) setError(name, { type: "server", message });
  if (plan.form !== null) setError("root.server", { type: "server", message: plan.form });
}
