import { SageMakerRequestError, isRetryableAwsError, isThrottlingError } from "@/server/integrations/sagemaker/errors";
import { backoffDelay, sleep } from "@/server/integrations/sagemaker/timing";

export type RetryPolicy = { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };

/**
 * Runs one AWS call, retrying throttling and transient failures with bounded backoff. Anything else, or the last
 * failed attempt, comes back as the error `fail` makes of it (by default a SageMakerRequestError naming the operation).
 */
export async function callWithRetry<T>(
  operation: string,
  policy: RetryPolicy,
  send: () => Promise<T>,
  fail: (error: unknown, attempts: number) => Error = (error, attempts) =>
    new SageMakerRequestError(operation, error, attempts),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryableAwsError(error)) throw fail(error, attempt);
    }
    await sleep(backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs));
  }
}

/**
 * Sends a write whose effect can be observed (UpdateEndpoint, UpdateEndpointWeightsAndCapacities). SageMaker may have
 * carried out a request whose answer was lost (a 5xx, a dropped connection); resending it blindly would then meet
 * "Cannot update in-progress endpoint". So before each resend `tookEffect` re-describes, and a write that already
 * took effect is not sent again.
 */
export async function sendWriteOnce(
  operation: string,
  policy: RetryPolicy,
  send: () => Promise<unknown>,
  tookEffect: () => Promise<boolean>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryableAwsError(error))
        throw new SageMakerRequestError(operation, error, attempt);
    }
    await sleep(backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs));
    if (await tookEffect()) return;
  }
}

/**
 * Sends a request that is not idempotent and whose effect cannot be observed (InvokeEndpointAsync queues one more
 * request each time it is carried out): only a throttled attempt, refused before it ran, is sent again.
 */
export async function sendUnlessCarriedOut<T>(
  operation: string,
  policy: RetryPolicy,
  send: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isThrottlingError(error))
        throw new SageMakerRequestError(operation, error, attempt);
    }
    await sleep(backoffDelay(attempt - 1, policy.baseDelayMs, policy.maxDelayMs));
  }
}
