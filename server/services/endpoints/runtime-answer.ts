import { AppError } from "@/server/errors";

/** What the runtime says when it refuses a request: its message and, for a bad row, where the problem is. */
export type RuntimeErrorBody = { error?: string; field?: string; rowIndex?: number };

export async function errorBody(response: Response): Promise<RuntimeErrorBody> {
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return isJson ? ((await response.json()) as RuntimeErrorBody) : { error: await response.text() };
}

/** A runtime that did not answer at all (down, timed out): retrying later may work. */
export function runtimeUnreachable(baseUrl: string, error: unknown): AppError {
  const reason =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return new AppError("UNAVAILABLE", `The local runtime at ${baseUrl} did not answer: ${reason}`);
}
