import { DEFAULT_LATENCY_RANGE, LATENCY_RANGES, type LatencyRange } from "@/contracts/latency-ranges";

export type LatencyPageState = { range: LatencyRange; endpoint: string };

const isRange = (value: string | null): value is LatencyRange => value !== null && value in LATENCY_RANGES;

export function parseLatencyState(params: URLSearchParams): LatencyPageState {
  const range = params.get("range");
  return { range: isRange(range) ? range : DEFAULT_LATENCY_RANGE, endpoint: params.get("endpoint") ?? "" };
}

export function serializeLatencyState(state: LatencyPageState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_LATENCY_RANGE) params.set("range", state.range);
  if (state.endpoint) params.set("endpoint", state.endpoint);
  return params;
}
