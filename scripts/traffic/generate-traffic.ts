import { setTimeout as sleep } from "node:timers/promises";
import { seededRandom } from "@/training/random";
import { endpointInputs, listRuntimeEndpoints } from "@/scripts/traffic/runtime-endpoints";
import {
  DRIFT_SCENARIO_NAMES,
  labelledRowStream,
  malformed,
  sourceFor,
  type LabelledRow,
  type Row,
} from "@/scripts/traffic/row-sources";
import { emptyTally, recordLatency, type EndpointTally } from "@/scripts/traffic/tally";

export type TrafficOptions = {
  runtimeUrl: string;
  /** Lists the runtime's endpoints (control API); not needed when `knownEndpoints` names them. */
  controlToken?: string;
  /** The endpoints' predict key (RUNTIME_PREDICT_KEY), sent as a bearer token when the portal deployed them with one. */
  predictKey?: string;
  /** Endpoints and their signature inputs, when the caller knows them (e.g. from the portal's database). */
  knownEndpoints?: Array<{ endpointName: string; inputs: string[] }>;
  /** Requests per second over all endpoints (open loop: requests are sent on schedule, not after the previous one). */
  rate: number;
  /** Stop after this many seconds… */
  durationSeconds?: number;
  /** …or after this many requests, whichever comes first. At least one of the two is required. */
  maxRequests?: number;
  /** Rows per request. */
  batch: number;
  /** Drift scenarios to apply (by name, e.g. "amount"), from `driftAfterSeconds` on. */
  drift?: string[];
  driftAfterSeconds?: number;
  /** Only these endpoint names (all endpoints the runtime serves when absent). */
  endpoints?: string[];
  /** Share of requests that carry one malformed row (the runtime rejects them with a 400). */
  badRows?: number;
  /** How many distinct routing keys (simulated customers) to spread requests over; 0 sends none. */
  routingKeys?: number;
  seed?: number;
  /** At most this many requests in flight; a slot that finds the limit reached is skipped and counted. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TrafficSummary) => void;
  progressEveryMs?: number;
  /** Called for every answered request with the rows' prediction ids and true outcomes (for demo feedback). */
  onServed?: (served: ServedBatch) => void;
};

/** One answered request: which rows were predicted (ids from the runtime) and what was true for each. */
export type ServedBatch = {
  endpoint: string;
  source: string;
  variant: string;
  predictionIds: string[];
  targets: number[];
  servedAt: Date;
};

export type TrafficSummary = {
  elapsedSeconds: number;
  driftActive: boolean;
  skippedSlots: number;
  endpoints: EndpointTally[];
  /** Runtime endpoints left out because no generator matches their signature. */
  unmatched: string[];
};

type Target = {
  tally: EndpointTally;
  inputs: string[];
  nextRow: () => LabelledRow;
  drifts: Array<(row: Row) => Row>;
};

async function resolveTargets(options: TrafficOptions, seed: number) {
  const unknown = (options.drift ?? []).filter((name) => !DRIFT_SCENARIO_NAMES.includes(name));
  if (unknown.length > 0)
    throw new Error(`Unknown drift scenario ${unknown.join(", ")}; choose from ${DRIFT_SCENARIO_NAMES.join(", ")}`);
  const all = options.knownEndpoints
    ? options.knownEndpoints.map((e) => ({
        endpointName: e.endpointName,
        variants: [{ variantName: "", weight: 100, inputs: e.inputs }],
      }))
    : await listRuntimeEndpoints(options.runtimeUrl, options.controlToken ?? "");
  const wanted = options.endpoints ? all.filter((e) => options.endpoints?.includes(e.endpointName)) : all;
  const targets: Target[] = [];
  const unmatched: string[] = [];
  for (const [index, endpoint] of wanted.entries()) {
    const inputs = endpointInputs(endpoint);
    const source = sourceFor(inputs);
    if (!source) {
      unmatched.push(endpoint.endpointName);
      continue;
    }
    const drifts = source.drifts.filter((d) => options.drift?.includes(d.name)).map((d) => d.apply);
    targets.push({
      tally: emptyTally(endpoint.endpointName, source.name),
      inputs,
      nextRow: labelledRowStream(source, seed + 1_000 * (index + 1)),
      drifts,
    });
  }
  if (targets.length === 0) {
    throw new Error(
      `No endpoint to send traffic to (runtime serves: ${all.map((e) => e.endpointName).join(", ") || "none"}; unmatched: ${unmatched.join(", ") || "none"})`,
    );
  }
  return { targets, unmatched };
}

const predictionIdsOf = (body: unknown): string[] => {
  const ids = typeof body === "object" && body !== null && "predictionIds" in body ? body.predictionIds : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
};

async function send(options: TrafficOptions, target: Target, batch: LabelledRow[], routingKey: string | undefined) {
  const rows = batch.map((labelled) => labelled.row);
  const started = performance.now();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (routingKey) headers["x-routing-key"] = routingKey;
  if (options.predictKey) headers.authorization = `Bearer ${options.predictKey}`;
  const url = `${options.runtimeUrl}/v1/endpoints/${encodeURIComponent(target.tally.endpoint)}/predict`;
  const tally = target.tally;
  tally.requests++;
  try {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ rows }) });
    const body: unknown = await response.json();
    recordLatency(tally, performance.now() - started);
    if (!response.ok) {
      tally.errors[String(response.status)] = (tally.errors[String(response.status)] ?? 0) + 1;
      return;
    }
    const variant = typeof body === "object" && body !== null && "variant" in body ? String(body.variant) : "?";
    tally.okRequests++;
    tally.rows += rows.length;
    tally.rowsByVariant[variant] = (tally.rowsByVariant[variant] ?? 0) + rows.length;
    options.onServed?.({
      endpoint: tally.endpoint,
      source: tally.source,
      variant,
      predictionIds: predictionIdsOf(body),
      targets: batch.map((labelled) => labelled.target),
      servedAt: new Date(),
    });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    tally.errors.network = (tally.errors.network ?? 0) + 1;
  }
}

/**
 * Sends realistic prediction requests to the local runtime: rows from the generators the demo models were trained
 * on (picked by each endpoint's signature), spread over routing keys, optionally drifting after a while. The data is
 * synthetic demo traffic; the runtime's metrics then measure it like any other traffic.
 */
export async function generateTraffic(options: TrafficOptions): Promise<TrafficSummary> {
  if (options.durationSeconds === undefined && options.maxRequests === undefined)
    throw new Error("Give a duration or a number of requests");
  if (!(options.rate > 0)) throw new Error("The rate must be above 0 requests per second");
  const seed = options.seed ?? 7_000;
  const random = seededRandom(seed);
  const { targets, unmatched } = await resolveTargets(options, seed);
  const concurrency = options.concurrency ?? 32;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const driftActive = () => (options.drift?.length ?? 0) > 0 && elapsed() >= (options.driftAfterSeconds ?? 0);
  let skippedSlots = 0;
  const summary = (): TrafficSummary => ({
    elapsedSeconds: elapsed(),
    driftActive: driftActive(),
    skippedSlots,
    endpoints: targets.map((t) => t.tally),
    unmatched,
  });
  const inFlight = new Set<Promise<void>>();
  let lastProgress = started;
  for (let slot = 0; ; slot++) {
    if (options.signal?.aborted) break;
    if (options.maxRequests !== undefined && slot >= options.maxRequests) break;
    const due = slot / options.rate;
    if (options.durationSeconds !== undefined && due >= options.durationSeconds) break;
    const wait = due - elapsed();
    if (wait > 0) await sleep(wait * 1000);
    if (options.onProgress && performance.now() - lastProgress >= (options.progressEveryMs ?? 5_000)) {
      lastProgress = performance.now();
      options.onProgress(summary());
    }
    if (inFlight.size >= concurrency) {
      skippedSlots++;
      continue;
    }
    const target = targets[slot % targets.length]!;
    const drifting = driftActive();
    const rows = Array.from({ length: options.batch }, () => {
      const labelled = target.nextRow();
      return drifting ? { ...labelled, row: target.drifts.reduce((r, apply) => apply(r), labelled.row) } : labelled;
    });
    if (drifting && target.drifts.length > 0) target.tally.driftedRows += rows.length;
    if (random.uniform() < (options.badRows ?? 0)) {
      rows[0] = { ...rows[0]!, row: malformed(rows[0]!.row, target.inputs) };
      target.tally.malformedRequests++;
    }
    const keys = options.routingKeys ?? 200;
    const routingKey = keys > 0 ? `customer-${Math.floor(random.uniform() * keys)}` : undefined;
    const request = send(options, target, rows, routingKey).finally(() => inFlight.delete(request));
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  return summary();
}
