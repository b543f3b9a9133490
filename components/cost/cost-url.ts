import { COST_RANGE_KEYS, DEFAULT_COST_RANGE, type CostRange } from "@/contracts/cost-ranges";

export type CostPageState = { range: CostRange };

const isRange = (value: string | null): value is CostRange =>
  value !== null && (COST_RANGE_KEYS as string[]).includes(value);

export function parseCostState(params: URLSearchParams): CostPageState {
  const range = params.get("range");
  return { range: isRange(range) ? range : DEFAULT_COST_RANGE };
}

export function serializeCostState(state: CostPageState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_COST_RANGE) params.set("range", state.range);
  return params;
}
