import { z } from "zod";
import { ASYNC_REQUEST_HEADERS, WEBHOOK_HEADERS } from "@/contracts/async-invocations";
import { ownerOfAsyncInvocation, ownerOfEndpointNamed } from "@/server/auth/ownership";
import { declaredLength } from "@/server/rest/declared-length";
import { defineEndpoint, type Endpoint } from "@/server/rest/endpoint";
import {
  acceptInvocation,
  asyncInvocationResult,
  getAsyncInvocation,
  listAsyncInvocations,
} from "@/server/services/async-inference/invocations";
import {
  asyncInvocationListOutput,
  asyncInvocationView,
  invocationIdInput,
  listAsyncInvocationsInput,
} from "@/server/services/async-inference/schemas";

const TAG = "Asynchronous inference";
const endpointParams = z.object({ endpoint: z.string().min(1).max(200) });

const INVOKE_DESCRIPTION = [
  "Queues a payload for the endpoint and answers **202** with the invocation (its `id`) at once; a worker scores it",
  "on the endpoint's live variants, and the row survives a worker or Redis restart.",
  "",
  '- `Content-Type: application/json`: `{"rows": [{...}, ...]}` as for the runtime\'s `/predict` (at most',
  '  ASYNC_MAX_JSON_PAYLOAD_BYTES, 32 MiB by default); the result is `{"predictions": [...], "predictionIds": [...]}`.',
  "- `Content-Type: text/csv`: records without a header, each the signature's inputs in order (SageMaker's CSV",
  "  convention; at most ASYNC_MAX_PAYLOAD_BYTES, 1 GiB by default); the result is one line of outputs per record.",
  "",
  `Optional webhook: \`${ASYNC_REQUEST_HEADERS.callbackUrl}\` (a host in ASYNC_CALLBACK_ALLOWED_HOSTS) and`,
  `\`${ASYNC_REQUEST_HEADERS.callbackSecret}\` (≥ 16 characters, yours). When the invocation ends its outcome is POSTed`,
  `there with \`${WEBHOOK_HEADERS.invocationId}\` and \`${WEBHOOK_HEADERS.signature}: t=<unix seconds>,v1=<hex`,
  'HMAC-SHA256(secret, "<t>.<body>")>`, retried with backoff until a 2xx, eight tries at most (at least once: deduplicate by id).',
  "A payload the model refuses ends FAILED with the row named; the runtime unavailable is retried first.",
].join("\n");

/** Asynchronous inference for pipelines: queue a payload, then poll or be called back, and fetch the result. */
export const asyncInferenceEndpoints: Endpoint[] = [
  defineEndpoint(
    {
      method: "POST",
      path: "/endpoints/{endpoint}/invocations-async",
      summary: "Queue a large payload for an endpoint (202 + id); fetch the result later or get a signed webhook",
      description: INVOKE_DESCRIPTION,
      tag: TAG,
      scope: "inference:invoke",
      permission: "endpoints:invoke",
      params: endpointParams,
      owner: (ctx, { params }) => ownerOfEndpointNamed(ctx, params.endpoint),
      body: "binary",
      response: asyncInvocationView,
      successStatus: 202,
    },
    ({ ctx, params, request }) =>
      acceptInvocation(ctx, {
        endpointName: params.endpoint,
        contentType: request.headers.get("content-type"),
        body: request.body,
        declaredBytes: declaredLength(request),
        callbackUrl: request.headers.get(ASYNC_REQUEST_HEADERS.callbackUrl),
        callbackSecret: request.headers.get(ASYNC_REQUEST_HEADERS.callbackSecret),
      }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/endpoints/{endpoint}/async-invocations",
      summary: "An endpoint's asynchronous invocations, newest first, with its backlog (queued, running)",
      tag: TAG,
      scope: "inference:invoke",
      permission: "endpoints:invoke",
      params: endpointParams,
      owner: (ctx, { params }) => ownerOfEndpointNamed(ctx, params.endpoint),
      query: listAsyncInvocationsInput.omit({ endpointName: true, limit: true }).extend({
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: asyncInvocationListOutput,
    },
    ({ ctx, params, query }) => listAsyncInvocations(ctx, { ...query, endpointName: params.endpoint }),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/async-invocations/{invocationId}",
      summary: "An asynchronous invocation: status, rows, the variants that answered, why it failed, its webhook",
      tag: TAG,
      scope: "inference:invoke",
      permission: "endpoints:invoke",
      params: invocationIdInput,
      owner: (ctx, { params }) => ownerOfAsyncInvocation(ctx, params.invocationId),
      response: asyncInvocationView,
    },
    ({ ctx, params }) => getAsyncInvocation(ctx, params),
  ),
  defineEndpoint(
    {
      method: "GET",
      path: "/async-invocations/{invocationId}/result",
      summary: "A succeeded invocation's result (JSON or CSV, as its payload); 409 until it has one",
      tag: TAG,
      scope: "inference:invoke",
      permission: "endpoints:invoke",
      params: invocationIdInput,
      owner: (ctx, { params }) => ownerOfAsyncInvocation(ctx, params.invocationId),
      response: z.string(),
      rawResponse: true,
    },
    ({ ctx, params }) => asyncInvocationResult(ctx, params),
  ),
];
