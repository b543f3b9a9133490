import { z } from "zod";
import { badRequest } from "@/server/errors";

/**
 * Validates a service input, so services are safe to call directly (jobs, scripts, tests) too.
 * A failure is a BAD_REQUEST whose message names every problem and whose details list them per path.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: z.input<T>): z.output<T> {
  return parseRequest(schema, value);
}

/** parseInput for what a caller sent as it arrived (a route handler's JSON body). */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(`Invalid input: ${z.prettifyError(result.error)}`, {
    issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  });
}
