import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  captureConfigSchema,
  scaleToZeroSettingSchema,
  onlineFeaturesSettingSchema,
  endpointConfigSchema,
  endpointNameSchema,
  faultInjectionSchema,
  weightsSchema,
} from "@/contracts/runtime-control";
import { badRequest, notFound, RuntimeError } from "@/runtime/errors";
import type { WorkerPool } from "@/runtime/inference/worker-pool";
import { runtimeMetricsText, type RuntimeMetrics } from "@/runtime/metrics";
import type { EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import { predict } from "@/runtime/serving/predict";
import { explain } from "@/runtime/serving/explain";
import { invocationOptions, invoke } from "@/runtime/serving/invocations";
import {
  encodeFailedSamples,
  INVOCATION_ANSWER_HEADERS,
  INVOCATIONS_CONTENT_TYPE,
} from "@/contracts/runtime-invocations";
import { requireControlToken, requireMetricsToken, presentsPredictKey } from "@/runtime/http/control-auth";
import {
  readBodyBytes,
  readJsonBody,
  readValidated,
  sendError,
  sendJson,
  sendJsonText,
  sendText,
} from "@/runtime/http/io";
import type { Capturer } from "@/runtime/capture/capturer";
import type { FeatureStores } from "@/runtime/features/feature-lookup";
import { log } from "@/runtime/logger";
import { REQUEST_ID_HEADER, requestIdFrom } from "@/contracts/request-id";

export type ServerDeps = {
  registry: EndpointRegistry;
  pool: WorkerPool;
  metrics: RuntimeMetrics;
  /** Null: no control API (a standalone runtime serving one model from its settings). */
  controlToken: string | null;
  /** When set, GET /metrics needs it as a bearer token. */
  metricsToken?: string;
  restoring: () => boolean;
  /** Captures predicted rows to the capture stream (absent: nothing is captured or counted). */
  capturer?: Capturer;
  /** Where endpoints with a feature lookup read stored features (absent: such endpoints answer 503). */
  featureStores?: FeatureStores;
  /**
   * A standalone runtime's one endpoint, once loaded: it also answers SageMaker's container contract (`GET /ping`,
   * `POST /invocations`), so the image can serve a SageMaker endpoint or transform job.
   */
  soleEndpoint?: () => string | undefined;
};

const PREDICT = /^\/v1\/endpoints\/([^/]+)\/predict$/;
// A request target that URL parsing would leave as it is (no dots, escapes, query or fragment): skips `new URL`.
const PLAIN_PREDICT = /^\/v1\/endpoints\/([a-z0-9-]+)\/predict$/;
const EXPLAIN = /^\/v1\/endpoints\/([^/]+)\/explain$/;
const INVOCATIONS = /^\/v1\/endpoints\/([^/]+)\/invocations$/;
const CONTROL_ENDPOINT = /^\/v1\/control\/endpoints\/([^/]+)$/;
const CONTROL_ONLINE_FEATURES = /^\/v1\/control\/endpoints\/([^/]+)\/online-features$/;
const CONTROL_WEIGHTS = /^\/v1\/control\/endpoints\/([^/]+)\/weights$/;
const CONTROL_CAPTURE = /^\/v1\/control\/endpoints\/([^/]+)\/capture$/;
const CONTROL_SCALE_TO_ZERO = /^\/v1\/control\/endpoints\/([^/]+)\/scale-to-zero$/;
const CONTROL_FAULTS = /^\/v1\/control\/endpoints\/([^/]+)\/variants\/([^/]+)\/fault-injection$/;

function methodNotAllowed(allowed: string[]): never {
  throw new RuntimeError(405, `Use ${allowed.join(" or ")}`);
}

/** A %-encoded path segment; a malformed escape (e.g. `%E0%A4%A`) is the caller's mistake (400). */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw badRequest(`The path segment "${raw}" is not valid %-encoded UTF-8`);
  }
}

/** For a PUT, a bad name is the caller's mistake (400), not a missing endpoint. */
function newEndpointName(raw: string): string {
  const name = decodeSegment(raw);
  const parsed = endpointNameSchema.safeParse(name);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]?.message ?? "Bad endpoint name");
  return name;
}

function endpointName(raw: string): string {
  const name = decodeSegment(raw);
  if (!endpointNameSchema.safeParse(name).success) throw notFound(`No endpoint named "${name}"`);
  return name;
}

async function control(request: IncomingMessage, response: ServerResponse, path: string, deps: ServerDeps) {
  if (deps.controlToken === null)
    throw notFound("This runtime serves one model from its settings: it has no control API");
  requireControlToken(request, deps.controlToken);
  const method = request.method ?? "GET";
  if (path === "/v1/control/endpoints") {
    if (method !== "GET") methodNotAllowed(["GET"]);
    return sendJson(response, 200, { endpoints: deps.registry.list() });
  }
  let match = CONTROL_WEIGHTS.exec(path);
  if (match) {
    if (method !== "PATCH") methodNotAllowed(["PATCH"]);
    const { weights } = await readValidated(request, weightsSchema);
    return sendJson(response, 200, await deps.registry.setWeights(endpointName(match[1]!), weights));
  }
  match = CONTROL_CAPTURE.exec(path);
  if (match) {
    if (method !== "PUT") methodNotAllowed(["PUT"]);
    const capture = await readValidated(request, captureConfigSchema);
    return sendJson(response, 200, await deps.registry.setCapture(endpointName(match[1]!), capture));
  }
  match = CONTROL_SCALE_TO_ZERO.exec(path);
  if (match) {
    if (method !== "PUT") methodNotAllowed(["PUT"]);
    const { scaleToZero } = await readValidated(request, scaleToZeroSettingSchema);
    return sendJson(response, 200, await deps.registry.setScaleToZero(endpointName(match[1]!), scaleToZero));
  }
  match = CONTROL_ONLINE_FEATURES.exec(path);
  if (match) {
    if (method !== "PUT") methodNotAllowed(["PUT"]);
    const { onlineFeatures } = await readValidated(request, onlineFeaturesSettingSchema);
    return sendJson(response, 200, await deps.registry.setOnlineFeatures(endpointName(match[1]!), onlineFeatures));
  }
  match = CONTROL_FAULTS.exec(path);
  if (match) {
    if (method !== "PUT") methodNotAllowed(["PUT"]);
    const fault = await readValidated(request, faultInjectionSchema);
    return sendJson(
      response,
      200,
      deps.registry.setFaultInjection(endpointName(match[1]!), decodeSegment(match[2]!), fault),
    );
  }
  match = CONTROL_ENDPOINT.exec(path);
  if (!match) throw notFound(`No control route ${path}`);
  switch (method) {
    case "GET":
      return sendJson(response, 200, deps.registry.describe(endpointName(match[1]!)));
    case "PUT": {
      const name = newEndpointName(match[1]!);
      const config = await readValidated(request, endpointConfigSchema);
      return sendJson(response, 200, await deps.registry.apply(name, config));
    }
    case "DELETE":
      await deps.registry.remove(endpointName(match[1]!));
      response.writeHead(204).end();
      return;
    default:
      methodNotAllowed(["GET", "PUT", "DELETE"]);
  }
}

/** An endpoint with a predict key refuses (401, counted) a request without it, before its body is read. */
function authorizePredict(
  request: IncomingMessage,
  deps: ServerDeps,
  endpointName: string,
  counter: RuntimeMetrics["requests"] = deps.metrics.requests,
) {
  const keyDigest = deps.registry.get(endpointName)?.predictKeyDigest;
  if (!keyDigest || presentsPredictKey(request, keyDigest)) return;
  counter.inc({ endpoint: endpointName, variant: "", status: "401" });
  throw new RuntimeError(
    401,
    `Endpoint "${endpointName}" needs its predict key: send \`Authorization: Bearer <key>\` or \`x-api-key: <key>\``,
  );
}

async function servePredict(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDeps,
  endpointName: string,
) {
  if (request.method !== "POST") methodNotAllowed(["POST"]);
  authorizePredict(request, deps, endpointName);
  const routingKey = request.headers["x-routing-key"];
  const { body, bytes } = await readJsonBody(request);
  const json = await predict(deps, {
    endpointName,
    body,
    bytes,
    routingKeyHeader: typeof routingKey === "string" ? routingKey : undefined,
  });
  sendJsonText(response, 200, json);
}

/** The request's media type, lower case, without parameters ("text/csv; charset=utf-8" → "text/csv"). */
const mediaType = (request: IncomingMessage) =>
  (request.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();

type EndpointRoute = (
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDeps,
  endpointName: string,
) => Promise<void>;

/** CSV records scored as one batch (contracts/runtime-invocations.ts); guarded by the endpoint's predict key. */
const serveInvocations: EndpointRoute = async (request, response, deps, endpointName) => {
  if (request.method !== "POST") methodNotAllowed(["POST"]);
  authorizePredict(request, deps, endpointName);
  if (mediaType(request) !== INVOCATIONS_CONTENT_TYPE)
    throw new RuntimeError(415, `Send CSV records with Content-Type: ${INVOCATIONS_CONTENT_TYPE}`);
  const options = invocationOptions(request.headers);
  const bytes = await readBodyBytes(request);
  const answer = await invoke(deps.registry, deps.metrics, { endpointName, bytes, options });
  sendText(response, 200, answer.csv, `${INVOCATIONS_CONTENT_TYPE}; charset=utf-8`, {
    [INVOCATION_ANSWER_HEADERS.failedRows]: String(answer.failed),
    [INVOCATION_ANSWER_HEADERS.failedSamples]: encodeFailedSamples(answer.samples),
    [INVOCATION_ANSWER_HEADERS.variant]: answer.variant,
    ...(answer.modelVersion !== undefined && {
      [INVOCATION_ANSWER_HEADERS.modelVersion]: String(answer.modelVersion),
    }),
  });
};

/** Feature attributions for rows, computed on demand; guarded by the endpoint's predict key like predictions. */
async function serveExplain(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDeps,
  endpointName: string,
) {
  if (request.method !== "POST") methodNotAllowed(["POST"]);
  authorizePredict(request, deps, endpointName, deps.metrics.explainRequests);
  const routingKey = request.headers["x-routing-key"];
  const { body } = await readJsonBody(request);
  const answer = await explain(
    deps.registry,
    deps.metrics,
    { endpointName, body, routingKeyHeader: typeof routingKey === "string" ? routingKey : undefined },
    deps.featureStores,
  );
  sendJson(response, 200, answer);
}

const isReady = (deps: ServerDeps) => deps.pool.healthy && !deps.restoring() && deps.registry.ready;

/**
 * SageMaker's container contract on the standalone runtime's one endpoint: `GET /ping` is 200 once the model serves
 * (503 before), `POST /invocations` takes CSV (the CSV route, SageMaker's convention unless options are sent) or JSON
 * (the predict route), by its content type.
 */
async function serveSageMakerContract(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDeps,
  { path, endpointName }: { path: string; endpointName: string | undefined },
) {
  if (path === "/ping") {
    if (request.method !== "GET") methodNotAllowed(["GET"]);
    const ready = isReady(deps) && endpointName !== undefined;
    return sendJson(response, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
  }
  if (request.method !== "POST") methodNotAllowed(["POST"]);
  if (endpointName === undefined) throw new RuntimeError(503, "The model is still loading");
  if (mediaType(request) === "application/json") return servePredict(request, response, deps, endpointName);
  return serveInvocations(request, response, deps, endpointName);
}

function route(request: IncomingMessage, response: ServerResponse, deps: ServerDeps): Promise<void> {
  const plain = PLAIN_PREDICT.exec(request.url ?? "");
  return plain ? servePredict(request, response, deps, plain[1]!) : routeByPath(request, response, deps);
}

async function routeByPath(request: IncomingMessage, response: ServerResponse, deps: ServerDeps) {
  const path = new URL(request.url ?? "/", "http://runtime").pathname;
  const method = request.method ?? "GET";
  const predictMatch = PREDICT.exec(path);
  if (predictMatch) return servePredict(request, response, deps, decodeSegment(predictMatch[1]!));
  const invocationsMatch = INVOCATIONS.exec(path);
  if (invocationsMatch) return serveInvocations(request, response, deps, decodeSegment(invocationsMatch[1]!));
  const explainMatch = EXPLAIN.exec(path);
  if (explainMatch) return serveExplain(request, response, deps, decodeSegment(explainMatch[1]!));
  if (path.startsWith("/v1/control/")) return control(request, response, path, deps);
  if (deps.soleEndpoint && (path === "/invocations" || path === "/ping"))
    return serveSageMakerContract(request, response, deps, { path, endpointName: deps.soleEndpoint() });
  if (method !== "GET") methodNotAllowed(["GET"]);
  switch (path) {
    case "/healthz":
      return sendJson(response, 200, { status: "ok" });
    case "/readyz": {
      const ready = isReady(deps);
      return sendJson(response, ready ? 200 : 503, {
        status: ready ? "ready" : "not ready",
        inferenceThreads: deps.pool.healthy,
      });
    }
    case "/metrics":
      if (deps.metricsToken) requireMetricsToken(request, deps.metricsToken);
      return sendText(response, 200, await runtimeMetricsText(deps.metrics), deps.metrics.registry.contentType);
    default:
      throw notFound(`No route ${method} ${path}`);
  }
}

/** The request's path without its query. */
const pathOf = (request: IncomingMessage) => (request.url ?? "/").split("?", 1)[0];

/**
 * Takes the caller's request id (the portal's worker sends the one of the request that started the job), echoes it,
 * and logs one line per request when it finishes: control calls at info; predictions, probes and scrapes, which come
 * by the thousand, at debug.
 */
function traceRequest(request: IncomingMessage, response: ServerResponse): string {
  const header = request.headers[REQUEST_ID_HEADER];
  const requestId = requestIdFrom(typeof header === "string" ? header : undefined);
  response.setHeader(REQUEST_ID_HEADER, requestId);
  const level = request.url?.startsWith("/v1/control/") ? "info" : "debug";
  if (log().isLevelEnabled(level)) {
    const started = performance.now();
    response.once("finish", () => {
      const fields = { requestId, method: request.method, path: pathOf(request), status: response.statusCode };
      log()[level]({ ...fields, durationMs: Math.round(performance.now() - started) }, "request");
    });
  }
  return requestId;
}

export function createRuntimeServer(deps: ServerDeps): Server {
  const server = createServer((request, response) => {
    const requestId = traceRequest(request, response);
    route(request, response, deps).catch((error: unknown) => {
      if (!(error instanceof RuntimeError))
        log().error({ requestId, err: error, method: request.method, path: pathOf(request) }, "request failed");
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(response, error);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
