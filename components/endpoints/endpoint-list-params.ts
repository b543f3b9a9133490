import type { DeploymentEnvironment, DeploymentTargetKind } from "@/contracts/enums";
import { ENVIRONMENTS, TARGETS } from "@/components/deployments/labels";

/** The endpoints list's state as it appears in the URL: ?q=&env=&target=&page= */
export type EndpointListParams = {
  q: string;
  env: DeploymentEnvironment | "";
  target: DeploymentTargetKind | "";
  page: number;
};

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

export function parseEndpointListParams(search: URLSearchParams): EndpointListParams {
  const page = Number.parseInt(search.get("page") ?? "", 10);
  return {
    q: search.get("q")?.trim() ?? "",
    env: oneOf(ENVIRONMENTS, search.get("env")) ?? "",
    target: oneOf(TARGETS, search.get("target")) ?? "",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Only what is set, so shared links stay short. */
export function serializeEndpointListParams(params: EndpointListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.env) search.set("env", params.env);
  if (params.target) search.set("target", params.target);
  if (params.page > 1) search.set("page", String(params.page));
  return search;
}

/** Any change other than paging starts again at page 1. */
export function applyEndpointListChange(
  current: EndpointListParams,
  change: Partial<EndpointListParams>,
): EndpointListParams {
  const next = { ...current, ...change };
  return change.page === undefined ? { ...next, page: 1 } : next;
}

export const endpointHref = (id: string) => `/endpoints/${encodeURIComponent(id)}`;
export const endpointsOfModelHref = (modelName: string) => `/endpoints?q=${encodeURIComponent(modelName)}`;
