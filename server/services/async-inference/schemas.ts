import { z } from "zod";
import { ASYNC_INVOCATION_STATUSES, WEBHOOK_DELIVERY_STATUSES } from "@/contracts/async-invocations";

export const invocationIdInput = z.object({ invocationId: z.string().min(1).max(100) });

export const listAsyncInvocationsInput = z.object({
  endpointName: z.string().min(1).max(200),
  status: z.enum(ASYNC_INVOCATION_STATUSES).optional(),
  /** Keyset paging: the last invocation of the previous page (newest first). */
  after: z.string().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

/** One slice of the payload as the runtime answered it: which variant (and version) scored how many rows. */
export const servedSliceSchema = z.object({
  rows: z.number().int(),
  variant: z.string(),
  modelVersion: z.number().int().nullable(),
});
export type ServedSlice = z.infer<typeof servedSliceSchema>;

export const asyncInvocationView = z.object({
  id: z.string(),
  endpoint: z.string(),
  status: z.enum(ASYNC_INVOCATION_STATUSES),
  contentType: z.string(),
  inputBytes: z.number(),
  outputBytes: z.number().nullable(),
  rows: z.number().int().nullable(),
  served: z.array(servedSliceSchema),
  failureReason: z.string().nullable(),
  attempts: z.number().int(),
  /** Where the result is fetched once the invocation succeeded. */
  resultPath: z.string().nullable(),
  callback: z
    .object({
      url: z.string(),
      deliveryStatus: z.enum(WEBHOOK_DELIVERY_STATUSES).nullable(),
      attempts: z.number().int(),
      error: z.string().nullable(),
      deliveredAt: z.date().nullable(),
    })
    .nullable(),
  createdById: z.string(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type AsyncInvocationView = z.infer<typeof asyncInvocationView>;

export const asyncInvocationListOutput = z.object({
  items: z.array(asyncInvocationView),
  nextCursor: z.string().nullable(),
  /** Invocations of the endpoint not yet finished, by status: the endpoint's backlog. */
  backlog: z.object({ queued: z.number().int(), running: z.number().int() }),
});
