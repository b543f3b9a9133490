/**
 * The query strings of the runs table and the compare view, so a view can be shared as a link.
 * Parsing is lenient (a hand-edited link falls back to defaults); serialising omits defaults.
 */

import { MAX_STEP, MIN_STEP } from "@/contracts/curve-frames";
import { toSearch } from "@/lib/url-state";

export const MAX_COMPARE_RUNS = 200;
/** Runs read per request as the table scrolls. */
export const RUN_PAGE_SIZE = 100;
export const DEFAULT_RUN_SORT = "startTime";

export type SortDir = "asc" | "desc";

export type RunsTableState = {
  filter: string;
  sortBy: string;
  sortDir: SortDir;
  /** Extra metric/param columns ("metrics.auc", "params.lr"); null means "the default ones". */
  columns: string[] | null;
  /** Run ids ticked for comparison, kept across pages. */
  selected: string[];
};

export type CompareState = {
  runIds: string[];
  /** A saved selection's id: its runs are compared instead of `runIds` (up to 1,000, more than a link can list). */
  selection: string | null;
  metrics: string[];
  scatterX: string | null;
  scatterY: string | null;
  differencesOnly: boolean;
  /** Parallel-coordinates axes; null means "choose for me". */
  axes: string[] | null;
  hidden: string[];
  /** When set, only these runs are shown and `hidden` is unused: "Hide all" of 1,000 runs keeps the link short. */
  shown: string[] | null;
  /** The steps every curves chart shows; null shows them all. */
  zoom: readonly [number, number] | null;
  /** Metrics whose curves chart has a log-scale y axis. */
  logMetrics: string[];
};

/** `list` with `item` in it (once, last) when `on`, else without it. */
export function toggledIn(list: readonly string[], item: string, on: boolean): string[] {
  const without = list.filter((each) => each !== item);
  return on ? [...without, item] : without;
}

/**
 * The hidden runs as the link carries them: the hidden ones, or the shown ones once fewer are shown than hidden, so
 * the link lists at most half of a comparison's runs.
 */
export function visibilityOf(
  runIds: readonly string[],
  hidden: ReadonlySet<string>,
): Pick<CompareState, "hidden" | "shown"> {
  if (hidden.size * 2 <= runIds.length) return { hidden: runIds.filter((id) => hidden.has(id)), shown: null };
  return { hidden: [], shown: runIds.filter((id) => !hidden.has(id)) };
}

/** Joins items with commas; commas and percent signs inside an item are escaped. */
export function encodeList(items: readonly string[]): string {
  return items.map((item) => item.replaceAll("%", "%25").replaceAll(",", "%2C")).join(",");
}

export function decodeList(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((item) => item.replaceAll("%2C", ",").replaceAll("%25", "%"))
    .filter((item) => item.length > 0);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n >= 1 ? n : fallback;
}

export function parseRunsTableState(params: URLSearchParams): RunsTableState {
  return {
    filter: params.get("filter") ?? "",
    sortBy: params.get("sort") || DEFAULT_RUN_SORT,
    sortDir: params.get("dir") === "asc" ? "asc" : "desc",
    columns: params.has("cols") ? unique(decodeList(params.get("cols"))) : null,
    selected: unique(decodeList(params.get("sel"))),
  };
}

export function serializeRunsTableState(state: RunsTableState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.filter) params.set("filter", state.filter);
  if (state.sortBy !== DEFAULT_RUN_SORT || state.sortDir !== "desc") {
    params.set("sort", state.sortBy);
    params.set("dir", state.sortDir);
  }
  if (state.columns !== null) params.set("cols", encodeList(state.columns));
  if (state.selected.length > 0) params.set("sel", encodeList(state.selected));
  return params;
}

export function parseCompareState(params: URLSearchParams): CompareState {
  return {
    runIds: unique(decodeList(params.get("runs"))),
    selection: params.get("set")?.trim() || null,
    metrics: unique(decodeList(params.get("metric"))),
    scatterX: params.get("x") || null,
    scatterY: params.get("y") || null,
    differencesOnly: params.get("diff") === "1",
    axes: params.has("axes") ? unique(decodeList(params.get("axes"))) : null,
    hidden: unique(decodeList(params.get("hidden"))),
    shown: params.has("shown") ? unique(decodeList(params.get("shown"))) : null,
    zoom: parseStepRange(params.get("zoom")),
    logMetrics: unique(decodeList(params.get("log"))),
  };
}

const STEP_RANGE = /^(-?\d{1,10})\.\.(-?\d{1,10})$/;

/** "100..500" as [100, 500]; anything else (reversed, empty, beyond the steps a log may hold) is no zoom. */
function parseStepRange(value: string | null): readonly [number, number] | null {
  const match = value === null ? null : STEP_RANGE.exec(value);
  if (!match) return null;
  const from = Number(match[1]);
  const to = Number(match[2]);
  return from < to && from >= MIN_STEP && to <= MAX_STEP ? [from, to] : null;
}

export function serializeCompareState(state: CompareState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.selection) params.set("set", state.selection);
  else params.set("runs", encodeList(state.runIds));
  if (state.metrics.length > 0) params.set("metric", encodeList(state.metrics));
  if (state.scatterX) params.set("x", state.scatterX);
  if (state.scatterY) params.set("y", state.scatterY);
  if (state.differencesOnly) params.set("diff", "1");
  if (state.axes !== null) params.set("axes", encodeList(state.axes));
  if (state.shown !== null) params.set("shown", encodeList(state.shown));
  else if (state.hidden.length > 0) params.set("hidden", encodeList(state.hidden));
  if (state.zoom !== null) params.set("zoom", `${state.zoom[0]}..${state.zoom[1]}`);
  if (state.logMetrics.length > 0) params.set("log", encodeList(state.logMetrics));
  return params;
}

export function compareHref(runIds: readonly string[]): string {
  return `/experiments/compare${toSearch(new URLSearchParams({ runs: encodeList(runIds) }))}`;
}

export function compareSelectionHref(selection: string): string {
  return `/experiments/compare${toSearch(new URLSearchParams({ set: selection }))}`;
}

export const EXPERIMENT_PAGE_SIZE = 20;

export type ExperimentListState = { search: string; page: number };

export function parseExperimentListState(params: URLSearchParams): ExperimentListState {
  return { search: params.get("q") ?? "", page: positiveInt(params.get("page"), 1) };
}

export function serializeExperimentListState(state: ExperimentListState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.search) params.set("q", state.search);
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}
