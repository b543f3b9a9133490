import {
  DEFAULT_GROUND_TRUTH_SOURCE,
  DEFAULT_QUALITY_RANGE,
  GROUND_TRUTH_SOURCES,
  QUALITY_RANGE_KEYS,
  type GroundTruthSource,
  type QualityRange,
} from "@/contracts/quality";

export type QualityPageState = { range: QualityRange; source: GroundTruthSource; endpoint: string };

const isRange = (value: string | null): value is QualityRange =>
  value !== null && (QUALITY_RANGE_KEYS as string[]).includes(value);
const isSource = (value: string | null): value is GroundTruthSource =>
  value !== null && (GROUND_TRUTH_SOURCES as readonly string[]).includes(value);

export function parseQualityState(params: URLSearchParams): QualityPageState {
  const range = params.get("range");
  const source = params.get("source");
  return {
    range: isRange(range) ? range : DEFAULT_QUALITY_RANGE,
    source: isSource(source) ? source : DEFAULT_GROUND_TRUTH_SOURCE,
    endpoint: params.get("endpoint") ?? "",
  };
}

export function serializeQualityState(state: QualityPageState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_QUALITY_RANGE) params.set("range", state.range);
  if (state.source !== DEFAULT_GROUND_TRUTH_SOURCE) params.set("source", state.source);
  if (state.endpoint) params.set("endpoint", state.endpoint);
  return params;
}
