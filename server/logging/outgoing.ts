import { REQUEST_ID_HEADER } from "@/contracts/request-id";
import { currentRequestId } from "@/server/logging/logger";

/** `x-request-id` for a call made while handling a request or job, so the service called logs the same id. */
export function requestIdHeader(): Record<string, string> {
  const requestId = currentRequestId();
  return requestId === undefined ? {} : { [REQUEST_ID_HEADER]: requestId };
}
