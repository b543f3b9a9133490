import type { TRPCClientErrorLike } from "@trpc/client";
import type { AppRouter } from "@/trpc/react";
import { toFieldErrors, type FieldErrors } from "@/components/registry/field-errors";

/**
 * Field messages from a failed mutation: zod issues go to their fields, and a refusal the server
 * explains in words (duplicate name, unknown team) goes to the field the caller names.
 */
export function serverFieldErrors(
  error: TRPCClientErrorLike<AppRouter> | null,
  fieldFor: Partial<Record<"CONFLICT" | "NOT_FOUND" | "BAD_REQUEST", string>> = {},
): { fields: FieldErrors; form: string | null } {
  if (!error) return { fields: {}, form: null };
  const issues = error.data?.zodIssues ?? [];
  if (issues.length > 0) return { fields: toFieldErrors(issues), form: null };
  const code = error.data?.appErrorCode;
  const field = code === "CONFLICT" || code === "NOT_FOUND" || code === "BAD_REQUEST" ? fieldFor[code] : undefined;
  const message = error.message.replace(/^(Invalid input: )?✖\s*/, "").split("\n")[0] ?? error.message;
  return field ? { fields: { [field]: message }, form: null } : { fields: {}, form: message };
}
