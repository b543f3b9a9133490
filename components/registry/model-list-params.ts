import { MODEL_SORTS, SORT_ORDERS } from "@/contracts/registry";
import { TASK_TYPES, type TaskType } from "@/contracts/enums";

export type ModelSort = (typeof MODEL_SORTS)[number];
export type SortOrder = (typeof SORT_ORDERS)[number];

/** The models list's state as it appears in the URL: ?q=&team=&task=&tag=&sort=&order=&page= */
export type ModelListParams = {
  q: string;
  team: string;
  task: TaskType | "";
  tag: string;
  sort: ModelSort;
  order: SortOrder;
  page: number;
};

export const DEFAULT_MODEL_LIST_PARAMS: ModelListParams = {
  q: "",
  team: "",
  task: "",
  tag: "",
  sort: "updatedAt",
  order: "desc",
  page: 1,
};

/** Names read best A→Z; dates and version numbers newest/highest first. */
export const defaultOrderFor = (sort: ModelSort): SortOrder => (sort === "name" ? "asc" : "desc");

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return values.find((v) => v === value);
}

export function parseModelListParams(search: URLSearchParams): ModelListParams {
  const sort = oneOf(MODEL_SORTS, search.get("sort")) ?? DEFAULT_MODEL_LIST_PARAMS.sort;
  const page = Number.parseInt(search.get("page") ?? "", 10);
  return {
    q: search.get("q")?.trim() ?? "",
    team: search.get("team") ?? "",
    task: oneOf(TASK_TYPES, search.get("task")) ?? "",
    tag: search.get("tag")?.toLowerCase() ?? "",
    sort,
    order: oneOf(SORT_ORDERS, search.get("order")) ?? defaultOrderFor(sort),
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** Only what differs from the defaults, so shared links stay short. */
export function serializeModelListParams(params: ModelListParams): URLSearchParams {
  const search = new URLSearchParams();
  if (params.q) search.set("q", params.q);
  if (params.team) search.set("team", params.team);
  if (params.task) search.set("task", params.task);
  if (params.tag) search.set("tag", params.tag);
  if (params.sort !== DEFAULT_MODEL_LIST_PARAMS.sort || params.order !== DEFAULT_MODEL_LIST_PARAMS.order) {
    search.set("sort", params.sort);
    search.set("order", params.order);
  }
  if (params.page > 1) search.set("page", String(params.page));
  return search;
}

/** Any change other than paging starts again at page 1. */
export function applyModelListChange(current: ModelListParams, change: Partial<ModelListParams>): ModelListParams {
  const next = { ...current, ...change };
  return change.page === undefined ? { ...next, page: 1 } : next;
}

/** Clicking the sorted column flips its order; another column starts in its natural order. */
export function toggleSort(current: ModelListParams, sort: ModelSort): Partial<ModelListParams> {
  if (current.sort === sort) return { sort, order: current.order === "asc" ? "desc" : "asc" };
  return { sort, order: defaultOrderFor(sort) };
}
