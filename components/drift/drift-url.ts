export const DRIFT_ENVIRONMENTS = ["PRODUCTION", "STAGING", "ALL"] as const;
export type DriftEnvironment = (typeof DRIFT_ENVIRONMENTS)[number];

export type FleetUrlState = { environment: DriftEnvironment };

/** ?env=staging|all; production is the default and is left out of the URL. */
export function parseFleetUrl(params: URLSearchParams): FleetUrlState {
  const raw = params.get("env")?.toUpperCase();
  const environment = DRIFT_ENVIRONMENTS.find((e) => e === raw) ?? "PRODUCTION";
  return { environment };
}

export function serializeFleetUrl(state: FleetUrlState): URLSearchParams {
  return new URLSearchParams(state.environment === "PRODUCTION" ? {} : { env: state.environment.toLowerCase() });
}

export type VariantUrlState = { variant: string | null };

export const parseVariantUrl = (params: URLSearchParams): VariantUrlState => ({
  variant: params.get("variant") || null,
});

export const serializeVariantUrl = (state: VariantUrlState): URLSearchParams =>
  new URLSearchParams(state.variant ? { variant: state.variant } : {});
