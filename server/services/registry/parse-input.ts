import { z } from "zod";
import { badRequest } from "../../errors";

/** Validates service input, turning zod issues into a 400 that names every problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badRequest(z.prettifyError(result.error), {
    issues: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  });
}
