import { SageMakerRequestError, isRetryableAwsError } from "./errors";
import { backoffDelay, sleep } from "./timing";

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };

/**
 * Runs one SageMaker call, retrying throttling and transient failures with bounded backoff. Anything else, or the
 * last failed attempt, comes back as a SageMakerRequestError naming the operation.
 */
export async function callWithRetry<T>(operation: string, policy: RetryPolicy, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryableAwsError(error)) throw new SageMakerRequestError(operation, error, attempt);
    }
    await sleep(backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs));
  }
}
