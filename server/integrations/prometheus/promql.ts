import { badRequest } from "@/server/errors";

/** Prometheus refuses range queries that would return more points than this per series. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** Charts read well with a few hundred points; a range query without a requested step aims for this many. */
export const DEFAULT_POINTS_PER_SERIES = 250;
const MIN_STEP_SECONDS = 1;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A sample value as Prometheus writes it (text exposition and HTTP API alike), with its own spelling of ±Inf. */
export function parseSampleValue(text: string): number {
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

/** Escapes a value for a double-quoted PromQL string, so user-supplied names cannot change the query. */
export function escapeLabelValue(value: string): string {
  return value.replace(
    /[\\"\n\r\t]/g,
    (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ?? c,
  );
}

/** `metric{a="b",...}` with every value escaped; names are checked because they cannot be escaped. */
export function selector(metric: string, labels: Record<string, string>): string {
  if (!NAME.test(metric)) throw badRequest(`Not a Prometheus metric name: ${JSON.stringify(metric)}`);
  const matchers = Object.entries(labels).map(([name, value]) => {
    if (!LABEL_NAME.test(name)) throw badRequest(`Not a Prometheus label name: ${JSON.stringify(name)}`);
    return `${name}="${escapeLabelValue(value)}"`;
  });
  return `${metric}{${matchers.join(",")}}`;
}

/**
 * The step (seconds) for a range query: the requested one when it keeps every series within
 * MAX_POINTS_PER_SERIES, else the smallest whole-second step that does. A range query returns
 * floor(range / step) + 1 points, hence the division by one point less than the limit.
 */
export function clampStep(startSeconds: number, endSeconds: number, requestedStepSeconds?: number): number {
  const range = endSeconds - startSeconds;
  if (!Number.isFinite(range) || range < 0) throw badRequest("A range query needs an end at or after its start");
  if (requestedStepSeconds !== undefined && !(requestedStepSeconds > 0))
    throw badRequest("The step must be a positive number of seconds");
  const smallestAllowed = Math.max(MIN_STEP_SECONDS, Math.ceil(range / (MAX_POINTS_PER_SERIES - 1)));
  const wanted = requestedStepSeconds ?? Math.ceil(range / DEFAULT_POINTS_PER_SERIES);
  return Math.max(smallestAllowed, wanted);
}
