import { z } from "zod";

/**
 * Asynchronous inference: POST /api/v1/endpoints/{endpoint}/invocations-async takes a payload much larger than a
 * real-time request, answers 202 with an id at once, and scores it in a worker; the result is fetched by id or its
 * outcome is POSTed to the caller's webhook.
 */
export const ASYNC_INVOCATION_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED"] as const;
export type AsyncInvocationStatus = (typeof ASYNC_INVOCATION_STATUSES)[number];
/** Statuses with work left: a worker start re-queues these when their queue entry is gone. */
export const ACTIVE_ASYNC_STATUSES: readonly AsyncInvocationStatus[] = ["QUEUED", "RUNNING"];

export const WEBHOOK_DELIVERY_STATUSES = ["PENDING", "DELIVERED", "FAILED"] as const;

/** The payload types: JSON rows as for /predict, or CSV records without a header (inputs in signature order). */
export const ASYNC_CONTENT_TYPES = ["application/json", "text/csv"] as const;
export type AsyncContentType = (typeof ASYNC_CONTENT_TYPES)[number];

/** Request headers naming where the outcome is POSTed, and the secret it is signed with (the caller's own). */
export const ASYNC_REQUEST_HEADERS = {
  callbackUrl: "x-modelport-callback-url",
  callbackSecret: "x-modelport-callback-secret",
} as const;

/** Headers of a webhook delivery: the invocation, and `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>`. */
export const WEBHOOK_HEADERS = {
  invocationId: "x-modelport-invocation-id",
  signature: "x-modelport-signature",
} as const;

export const MIN_CALLBACK_SECRET_LENGTH = 16;
export const MAX_CALLBACK_SECRET_LENGTH = 200;

export const callbackSchema = z.object({
  url: z
    .string()
    .max(2_000)
    .url("an absolute http(s) URL")
    .refine((url) => /^https?:\/\//i.test(url), "an http(s) URL"),
  secret: z
    .string()
    .min(MIN_CALLBACK_SECRET_LENGTH, `a secret of at least ${MIN_CALLBACK_SECRET_LENGTH} characters`)
    .max(MAX_CALLBACK_SECRET_LENGTH)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces"),
});
export type Callback = z.infer<typeof callbackSchema>;

/** What a webhook receives: the outcome, and where the result is fetched (with a token of the owning team). */
export const webhookBodySchema = z.object({
  invocationId: z.string(),
  endpoint: z.string(),
  status: z.enum(["SUCCEEDED", "FAILED"]),
  rows: z.number().int().nullable(),
  failureReason: z.string().nullable(),
  resultPath: z.string().nullable(),
  finishedAt: z.string(),
});
export type WebhookBody = z.infer<typeof webhookBodySchema>;
