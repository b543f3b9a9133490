import type { z } from "zod";

type ParseOptions = NonNullable<Parameters<z.ZodType["safeParse"]>[1]>;
type Issue = Parameters<NonNullable<ParseOptions["error"]>>[0];

/** "Enter a number" for a number field that reached the schema as NaN; undefined leaves zod's own words. */
export const plainNumberMessage = (issue: Issue) =>
  issue.code === "invalid_type" && issue.input !== issue.input ? "Enter a number" : undefined;

/**
 * Number fields are edited as text, and an empty or unreadable one reaches the schema as NaN; say so plainly
 * instead of zod's "expected number, received NaN". Pass as zodResolver's second argument.
 */
export const plainMessages: ParseOptions = { error: plainNumberMessage };
