import { WEBHOOK_HEADERS, type WebhookBody } from "@/contracts/async-invocations";
import { errorMessage } from "@/lib/error-message";
import { signWebhook } from "@/lib/webhook-signature";
import type { Db } from "@/server/db/client";
import { hostAllowed } from "@/server/services/async-inference/callback-policy";
import { resultPathOf } from "@/server/services/async-inference/invocations";
import type { Clock } from "@/server/services/context";

export type WebhookDeps = {
  db: Db;
  clock: Clock;
  timeoutMs: number;
  /** Hosts deliveries may go to now (checked again at delivery: the list may have shrunk since the request). */
  allowedHosts: readonly string[];
  fetch?: typeof fetch;
};

export type DeliveryOutcome = "NOTHING_TO_DO" | "DELIVERED" | "FAILED";

/** The receiver did not take the delivery (an error status, a timeout, a refused connection): it is retried. */
export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
}

/**
 * POSTs a finished invocation's outcome to its webhook, signed with the caller's secret; the secret is erased once
 * delivery ends (delivered, or given up on the last attempt). Redirects are not followed (a receiver cannot point the
 * worker elsewhere). A repeated job for a delivered invocation does nothing; one that raced it may deliver twice, so
 * receivers deduplicate by invocation id.
 */
export async function deliverWebhook(
  deps: WebhookDeps,
  invocationId: string,
  attempt: { lastAttempt: boolean } = { lastAttempt: true },
): Promise<DeliveryOutcome> {
  const row = await deps.db.asyncInvocation.findUnique({
    where: { id: invocationId },
    include: { endpoint: { select: { name: true } } },
  });
  if (!row || row.deliveryStatus !== "PENDING" || !row.callbackUrl || !row.callbackSecret) return "NOTHING_TO_DO";
  if (row.status !== "SUCCEEDED" && row.status !== "FAILED") return "NOTHING_TO_DO";
  const body: WebhookBody = {
    invocationId: row.id,
    endpoint: row.endpoint.name,
    status: row.status,
    rows: row.rows,
    failureReason: row.failureReason,
    resultPath: row.status === "SUCCEEDED" ? resultPathOf(row.id) : null,
    finishedAt: (row.finishedAt ?? deps.clock()).toISOString(),
  };
  const text = JSON.stringify(body);
  const problem = await post(deps, row.callbackUrl, row.callbackSecret, row.id, text);
  const ended = problem === null || attempt.lastAttempt;
  await deps.db.asyncInvocation.updateMany({
    where: { id: row.id, deliveryStatus: "PENDING" },
    data: {
      deliveryAttempts: { increment: 1 },
      deliveryError: problem,
      ...(ended && {
        deliveryStatus: problem === null ? "DELIVERED" : "FAILED",
        callbackSecret: null,
        ...(problem === null && { deliveredAt: deps.clock() }),
      }),
    },
  });
  if (!ended) throw new WebhookDeliveryError(`Webhook of invocation ${row.id}: ${problem}`);
  return problem === null ? "DELIVERED" : "FAILED";
}

/** One delivery; null when the receiver answered 2xx, else what went wrong. */
async function post(deps: WebhookDeps, url: string, secret: string, id: string, text: string): Promise<string | null> {
  if (!hostAllowed(new URL(url).hostname, deps.allowedHosts)) return "the callback host is no longer allowed";
  const signature = signWebhook(secret, text, Math.floor(deps.clock().getTime() / 1000));
  try {
    const response = await (deps.fetch ?? fetch)(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [WEBHOOK_HEADERS.invocationId]: id,
        [WEBHOOK_HEADERS.signature]: signature,
      },
      body: text,
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300 ? null : `the receiver answered ${response.status}`;
  } catch (error) {
    // fetch rejects with a TypeError (no connection, a bad answer) or a DOMException (the time limit).
    if (error instanceof TypeError || (error instanceof DOMException && error.name === "TimeoutError"))
      return `no answer: ${errorMessage(error.cause ?? error)}`.slice(0, 500);
    throw error;
  }
}
