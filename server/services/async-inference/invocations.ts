import type { z } from "zod";
import { ACTIVE_ASYNC_STATUSES, type AsyncContentType } from "@/contracts/async-invocations";
import { errorMessage } from "@/lib/error-message";
import type { Db } from "@/server/db/client";
import type { AsyncInvocation } from "@/server/db/generated/client";
import { AppError, badRequest, conflict, notFound } from "@/server/errors";
import {
  asyncInferenceJob,
  asyncWebhookJob,
  enqueueAsyncInvocation,
  enqueueWebhookDelivery,
  invocationsQueued,
} from "@/server/jobs/async-inference";
import { tooLarge } from "@/server/services/artifacts/artifact-store";
import { callbackOf } from "@/server/services/async-inference/callback-policy";
import { MAX_RECORD_BYTES } from "@/server/services/async-inference/score-payload";
import { CsvSyntaxError } from "@/lib/csv/csv-byte-records";
import {
  countingCsvRecords,
  DEFAULT_ASYNC_SETTINGS,
  jsonRows,
  maxPayloadBytes,
  payloadType,
  readBounded,
} from "@/server/services/async-inference/payload";
import {
  invocationIdInput,
  listAsyncInvocationsInput,
  servedSliceSchema,
  type AsyncInvocationView,
} from "@/server/services/async-inference/schemas";
import type { ServiceContext } from "@/server/services/context";
import { log } from "@/server/logging/logger";
import { parseInput } from "@/server/services/parse-input";

export type AcceptInvocationInput = {
  endpointName: string;
  contentType: string | null;
  body: ReadableStream<Uint8Array> | null;
  /** The Content-Length the client declared, if any: an oversized payload fails before any byte is read. */
  declaredBytes?: number;
  callbackUrl?: string | null;
  callbackSecret?: string | null;
};

/** The REST path a finished invocation's result is fetched from. */
export const resultPathOf = (id: string) => `/api/v1/async-invocations/${id}/result`;

type InvocationRow = AsyncInvocation & { endpoint: { name: string } };

export function invocationView(row: InvocationRow): AsyncInvocationView {
  return {
    id: row.id,
    endpoint: row.endpoint.name,
    status: row.status,
    contentType: row.contentType,
    inputBytes: Number(row.inputBytes),
    outputBytes: row.outputBytes === null ? null : Number(row.outputBytes),
    rows: row.rows,
    served: servedSliceSchema.array().catch([]).parse(row.served),
    failureReason: row.failureReason,
    attempts: row.attempts,
    resultPath: row.status === "SUCCEEDED" ? resultPathOf(row.id) : null,
    callback: row.callbackUrl
      ? {
          url: row.callbackUrl,
          deliveryStatus: row.deliveryStatus,
          attempts: row.deliveryAttempts,
          error: row.deliveryError,
          deliveredAt: row.deliveredAt,
        }
      : null,
    createdById: row.createdById,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

/** How long a request waits for Redis to take the job before answering anyway (the row is queued work either way). */
const ENQUEUE_TIMEOUT_MS = 3_000;

/**
 * Queues the work for the row just committed. Redis down or slow does not lose the invocation: the row stays QUEUED
 * and a worker queues it again when it starts or Redis comes back (enqueueActiveInvocations).
 */
async function queueWithin(invocationId: string) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    enqueueAsyncInvocation(invocationId),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)),
        ENQUEUE_TIMEOUT_MS,
      );
    }),
  ])
    .catch((error: unknown) =>
      log().warn(`[async] invocation ${invocationId} saved, not queued yet (${errorMessage(error)}): a worker will`),
    )
    .finally(() => clearTimeout(timer));
}

/** Streams CSV records into the store, checking as they pass that there are some and that they parse (else 400). */
async function storeCsv(ctx: ServiceContext, body: ReadableStream<Uint8Array>, maxBytes: number) {
  const counted = countingCsvRecords(body, MAX_RECORD_BYTES);
  const blob = await ctx.artifacts.put(counted.stream, { maxBytes }).catch((error: unknown) => {
    if (error instanceof CsvSyntaxError) throw badRequest(`The CSV payload cannot be read: ${error.message}`);
    throw error;
  });
  if (counted.records() === 0) throw badRequest("The CSV payload has no records");
  return blob;
}

/** Stores the payload: CSV streamed through a record check; JSON read whole and checked to be rows first. */
async function storePayload(
  ctx: ServiceContext,
  type: AsyncContentType,
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
) {
  if (type === "text/csv") return storeCsv(ctx, body, maxBytes);
  const bytes = await readBounded(body, maxBytes);
  jsonRows(bytes);
  return ctx.artifacts.put(new Blob([new Uint8Array(bytes)]).stream(), { maxBytes });
}

/**
 * Every endpoint of the local runtime takes asynchronous invocations; a SageMaker endpoint only once it serves
 * asynchronously (its AsyncInferenceConfig), and CSV records only (what SageMaker's serving containers read here).
 */
function assertTakesAsync(name: string, endpoint: { target: string; asyncServing: unknown }, type: AsyncContentType) {
  if (endpoint.target === "LOCAL") return;
  if (endpoint.target !== "SAGEMAKER")
    throw new AppError(
      "UNPROCESSABLE",
      `Asynchronous inference does not run on ${endpoint.target} endpoints here (${name})`,
    );
  if (endpoint.asyncServing === null)
    throw new AppError(
      "UNPROCESSABLE",
      `${name} serves in real time on SageMaker: its team turns it asynchronous on its page, and its next deployment applies it`,
    );
  if (type !== "text/csv")
    throw new AppError("UNPROCESSABLE", `${name} is on SageMaker, whose asynchronous endpoints take text/csv here`);
}

/**
 * Accepts a payload for an endpoint of the local runtime, or an asynchronous SageMaker one, and queues it: everything is checked before anything is
 * written (the content type, the size, the callback, the endpoint, a JSON payload's shape), the payload is stored,
 * then the row is committed; the caller gets the row (202) and polls it or waits for its webhook.
 */
export async function acceptInvocation(
  ctx: ServiceContext,
  input: AcceptInvocationInput,
): Promise<AsyncInvocationView> {
  const settings = ctx.settings.asyncInference ?? DEFAULT_ASYNC_SETTINGS;
  const type = payloadType(input.contentType);
  const maxBytes = maxPayloadBytes(type, settings);
  if (input.declaredBytes !== undefined && input.declaredBytes > maxBytes) throw tooLarge(maxBytes);
  const callback = callbackOf(input.callbackUrl, input.callbackSecret, settings.callbackHosts);
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { name: input.endpointName },
    select: { id: true, target: true, asyncServing: true },
  });
  if (!endpoint) throw notFound(`Endpoint "${input.endpointName}"`);
  assertTakesAsync(input.endpointName, endpoint, type);
  if (!input.body) throw badRequest("Send the payload as the request body");
  const blob = await storePayload(ctx, type, input.body, maxBytes);
  const row = await ctx.db.asyncInvocation.create({
    data: {
      endpointId: endpoint.id,
      contentType: type,
      inputSha256: blob.sha256,
      inputBytes: blob.sizeBytes,
      callbackUrl: callback?.url ?? null,
      callbackSecret: callback?.secret ?? null,
      createdById: ctx.actor.userId,
    },
    include: { endpoint: { select: { name: true } } },
  });
  await queueWithin(row.id);
  return invocationView(row);
}

async function loadRow(ctx: Pick<ServiceContext, "db">, invocationId: string) {
  const row = await ctx.db.asyncInvocation.findUnique({
    where: { id: invocationId },
    include: { endpoint: { select: { name: true } } },
  });
  if (!row) throw notFound("Asynchronous invocation");
  return row;
}

export async function getAsyncInvocation(
  ctx: Pick<ServiceContext, "db">,
  rawInput: z.input<typeof invocationIdInput>,
): Promise<AsyncInvocationView> {
  const { invocationId } = parseInput(invocationIdInput, rawInput);
  return invocationView(await loadRow(ctx, invocationId));
}

/** A succeeded invocation's result as a response (its payload's content type); 409 while it has none. */
export async function asyncInvocationResult(
  ctx: Pick<ServiceContext, "db" | "artifacts">,
  rawInput: z.input<typeof invocationIdInput>,
): Promise<Response> {
  const { invocationId } = parseInput(invocationIdInput, rawInput);
  const row = await loadRow(ctx, invocationId);
  if (row.status !== "SUCCEEDED" || !row.outputSha256)
    throw conflict(
      row.status === "FAILED"
        ? `The invocation failed: ${row.failureReason ?? "no reason recorded"}`
        : `The invocation is ${row.status}: its result is not ready (poll GET /api/v1/async-invocations/${row.id})`,
    );
  return new Response(await ctx.artifacts.get(row.outputSha256), {
    status: 200,
    headers: {
      "content-type": `${row.contentType}; charset=utf-8`,
      "content-length": String(row.outputBytes ?? ""),
      "cache-control": "private, no-store",
    },
  });
}

/** An endpoint's invocations, newest first (keyset paging), with its backlog. */
export async function listAsyncInvocations(
  ctx: Pick<ServiceContext, "db">,
  rawInput: z.input<typeof listAsyncInvocationsInput>,
) {
  const input = parseInput(listAsyncInvocationsInput, rawInput);
  const endpoint = await ctx.db.endpoint.findUnique({ where: { name: input.endpointName }, select: { id: true } });
  if (!endpoint) throw notFound(`Endpoint "${input.endpointName}"`);
  const after = input.after
    ? await ctx.db.asyncInvocation.findFirst({
        where: { id: input.after, endpointId: endpoint.id },
        select: { createdAt: true, id: true },
      })
    : null;
  if (input.after && !after) throw badRequest(`after: no invocation ${input.after} of this endpoint`);
  const [rows, counts] = await Promise.all([
    ctx.db.asyncInvocation.findMany({
      where: {
        endpointId: endpoint.id,
        ...(input.status && { status: input.status }),
        ...(after && {
          OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit + 1,
      include: { endpoint: { select: { name: true } } },
    }),
    ctx.db.asyncInvocation.groupBy({
      by: ["status"],
      where: { endpointId: endpoint.id, status: { in: [...ACTIVE_ASYNC_STATUSES] } },
      _count: { _all: true },
    }),
  ]);
  const page = rows.slice(0, input.limit);
  const count = (status: string) => counts.find((c) => c.status === status)?._count._all ?? 0;
  return {
    items: page.map(invocationView),
    nextCursor: rows.length > input.limit ? page.at(-1)!.id : null,
    backlog: { queued: count("QUEUED"), running: count("RUNNING") },
  };
}

/**
 * Queues again every invocation the database says has work left (to score, or a webhook to deliver) but the queue
 * has no entry for: a Redis that kept nothing, a request that could not reach Redis, a crash between commit and
 * enqueue. Called when a worker starts and whenever Redis comes back.
 */
export async function enqueueActiveInvocations(db: Db): Promise<{ invocations: number; deliveries: number }> {
  const [active, pending] = await Promise.all([
    db.asyncInvocation.findMany({ where: { status: { in: [...ACTIVE_ASYNC_STATUSES] } }, select: { id: true } }),
    db.asyncInvocation.findMany({ where: { deliveryStatus: "PENDING" }, select: { id: true } }),
  ]);
  const lostInvocations = active.length ? await lost(active, asyncInferenceJob.queue) : [];
  const lostDeliveries = pending.length ? await lost(pending, asyncWebhookJob.queue) : [];
  for (const id of lostInvocations) await enqueueAsyncInvocation(id);
  for (const id of lostDeliveries) await enqueueWebhookDelivery(id);
  return { invocations: lostInvocations.length, deliveries: lostDeliveries.length };
}

async function lost(rows: { id: string }[], queue: string): Promise<string[]> {
  const queued = await invocationsQueued(queue);
  return rows.map((row) => row.id).filter((id) => !queued.has(id));
}
