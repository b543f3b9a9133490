import { TRPCClientError } from "@trpc/client";

const FINAL_CODES = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"]);

/** Retries network and server failures once more, never answers that will not change (a bad filter, an unknown id). */
export function retryUnlessFinal(failureCount: number, error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const code: unknown = error.data?.code;
    if (typeof code === "string" && FINAL_CODES.has(code)) return false;
  }
  return failureCount < 2;
}
