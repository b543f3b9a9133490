import type { DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { isInProgress } from "@/server/integrations/sagemaker/endpoint-state";
import { abortReason, sleep } from "@/server/integrations/sagemaker/timing";

const POLL_GROWTH = 1.5;
const MAX_POLL_FACTOR = 4;

export type PollOptions = { deadline: number; pollMs: number; signal?: AbortSignal };

/**
 * Describes the endpoint until SageMaker is done with it (see isInProgress) or the deadline passes, backing off
 * between calls, and answers the last description; undefined when the endpoint does not exist.
 */
export async function pollUntilSettled(
  api: SageMakerApi,
  endpointName: string,
  options: PollOptions,
): Promise<DescribeEndpointCommandOutput | undefined> {
  const { signal, pollMs } = options;
  for (let delay = pollMs; ; delay = Math.min(delay * POLL_GROWTH, pollMs * MAX_POLL_FACTOR)) {
    if (signal?.aborted) throw abortReason(signal);
    const live = await api.describeEndpoint(endpointName);
    if (!live || !isInProgress(live)) return live;
    const remaining = options.deadline - Date.now();
    if (remaining <= 0) return live;
    await sleep(Math.min(delay, remaining), signal);
  }
}
