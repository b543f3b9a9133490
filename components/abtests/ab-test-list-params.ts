import { AB_TEST_STATUSES } from "@/contracts/abtests";

type Status = (typeof AB_TEST_STATUSES)[number];

/** The A/B tests list's state in the URL: ?status=&q= */
export type AbTestListParams = { status: Status | ""; q: string };

export function parseAbTestListParams(search: URLSearchParams): AbTestListParams {
  const status = AB_TEST_STATUSES.find((s) => s === search.get("status")) ?? "";
  return { status, q: search.get("q")?.trim() ?? "" };
}

export function serializeAbTestListParams(params: AbTestListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.status) search.set("status", params.status);
  if (params.q) search.set("q", params.q);
  return search;
}
