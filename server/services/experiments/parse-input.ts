import { z } from "zod";
import { AppError } from "../../errors";

/** Validates a service input, so services are safe to call directly (jobs, scripts, tests) too. */
export function parseInput<T extends z.ZodType>(schema: T, value: z.input<T>): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError("BAD_REQUEST", `Invalid input: ${z.prettifyError(result.error)}`, {
    issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  });
}
