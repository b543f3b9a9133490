import { describe, expect, it } from "vitest";
import {
  compareHref,
  compareSelectionHref,
  toggledIn,
  visibilityOf,
  decodeList,
  encodeList,
  parseCompareState,
  parseExperimentListState,
  parseRunsTableState,
  serializeCompareState,
  serializeExperimentListState,
  serializeRunsTableState,
  type RunsTableState,
} from "@/components/experiments/shared/url";
import { reuseEqualFields, toSearch } from "@/lib/url-state";

describe("list encoding", () => {
  it("round-trips items containing commas and percent signs", () => {
    const items = ["metrics.a,b", "params.100%", "plain"];
    expect(decodeList(encodeList(items))).toEqual(items);
  });

  it("drops empty items and handles missing values", () => {
    expect(decodeList("a,,b,")).toEqual(["a", "b"]);
    expect(decodeList(null)).toEqual([]);
  });
});

describe("runs table state", () => {
  it("falls back to defaults for an empty or hand-mangled query, and ignores the old page parameters", () => {
    expect(parseRunsTableState(new URLSearchParams("page=-3&size=7&dir=sideways"))).toEqual({
      filter: "",
      sortBy: "startTime",
      sortDir: "desc",
      columns: null,
      selected: [],
    });
  });

  it("round-trips a full state through the query string", () => {
    const state: RunsTableState = {
      filter: "metrics.auc > 0.9 and params.max_depth = 6",
      sortBy: "metrics.auc",
      sortDir: "asc",
      columns: ["metrics.auc", "params.max_depth"],
      selected: ["run1", "run2"],
    };
    const query = serializeRunsTableState(state).toString();
    expect(parseRunsTableState(new URLSearchParams(query))).toEqual(state);
  });

  it("keeps an explicitly empty column choice apart from the default", () => {
    const empty = parseRunsTableState(new URLSearchParams("cols="));
    expect(empty.columns).toEqual([]);
    expect(serializeRunsTableState(empty).toString()).toBe("cols=");
  });

  it("keeps list commas readable in the address while round-tripping commas inside keys", () => {
    const state = { ...parseRunsTableState(new URLSearchParams("")), columns: ["metrics.a,b", "params.lr"] };
    const search = toSearch(serializeRunsTableState(state));
    expect(search).toBe("?cols=metrics.a%252Cb,params.lr");
    expect(parseRunsTableState(new URLSearchParams(search)).columns).toEqual(["metrics.a,b", "params.lr"]);
  });

  it("omits defaults so links stay short", () => {
    const state = parseRunsTableState(new URLSearchParams(""));
    expect(toSearch(serializeRunsTableState(state))).toBe("");
  });

  it("removes duplicate selections", () => {
    expect(parseRunsTableState(new URLSearchParams("sel=a,b,a")).selected).toEqual(["a", "b"]);
  });
});

describe("compare state", () => {
  it("parses the documented parameters", () => {
    const state = parseCompareState(
      new URLSearchParams("runs=r1,r2,r1&metric=loss,auc&x=params.lr&y=metrics.auc&diff=1"),
    );
    expect(state).toEqual({
      runIds: ["r1", "r2"],
      selection: null,
      shown: null,
      metrics: ["loss", "auc"],
      scatterX: "params.lr",
      scatterY: "metrics.auc",
      differencesOnly: true,
      axes: null,
      hidden: [],
      zoom: null,
      logMetrics: [],
    });
  });

  it("reads a zoom only as two whole steps in ascending order", () => {
    const zoom = (value: string) => parseCompareState(new URLSearchParams({ runs: "a", zoom: value })).zoom;
    expect(zoom("100..500")).toEqual([100, 500]);
    expect(zoom("-20..-5")).toEqual([-20, -5]);
    for (const bad of ["500..100", "7..7", "1.5..9", "..9", "1..", "1-9", "1..99999999999", "1..2147483648"]) {
      expect(zoom(bad)).toBeNull();
    }
  });

  it("round-trips", () => {
    const state = {
      runIds: ["a", "b", "c"],
      selection: null,
      metrics: ["val/loss"],
      scatterX: "metrics.loss",
      scatterY: "metrics.auc",
      differencesOnly: false,
      axes: ["params.lr", "metrics.auc"],
      hidden: ["b"],
      shown: null,
      zoom: [10, 250] as const,
      logMetrics: ["val/loss", "a,b"],
    };
    expect(parseCompareState(serializeCompareState(state))).toEqual(state);
  });

  it("names a saved selection instead of the runs, and keeps the rest of the view", () => {
    const params = new URL(compareSelectionHref("AbC_-123456789012345678"), "http://x").searchParams;
    expect(params.toString()).toBe("set=AbC_-123456789012345678");
    const state = { ...parseCompareState(params), metrics: ["auc"], hidden: ["r1"] };
    expect(state).toMatchObject({ selection: "AbC_-123456789012345678", runIds: [] });
    const link = serializeCompareState({ ...state, runIds: ["ignored"] });
    expect(link.has("runs")).toBe(false);
    expect(parseCompareState(link)).toMatchObject({ selection: state.selection, metrics: ["auc"], hidden: ["r1"] });
    expect(parseCompareState(new URLSearchParams("set=%20&runs=a")).selection).toBeNull();
  });

  it("keeps 'hide all' short: only the runs shown again are listed", () => {
    const base = parseCompareState(new URLSearchParams("set=AbC_-123456789012345678&hidden=a"));
    expect(base.shown).toBeNull();
    const allHidden = serializeCompareState({ ...base, shown: [] });
    expect(allHidden.toString()).toBe("set=AbC_-123456789012345678&shown=");
    expect(parseCompareState(allHidden)).toMatchObject({ shown: [], hidden: [] });
    expect(parseCompareState(serializeCompareState({ ...base, shown: ["r7", "r9"] })).shown).toEqual(["r7", "r9"]);
  });

  it("lists the hidden runs, or the shown ones once more are hidden than shown, in the comparison's order", () => {
    const runs = ["a", "b", "c", "d"];
    expect(visibilityOf(runs, new Set())).toEqual({ hidden: [], shown: null });
    expect(visibilityOf(runs, new Set(["c", "a"]))).toEqual({ hidden: ["a", "c"], shown: null });
    expect(visibilityOf(runs, new Set(["d", "a", "b"]))).toEqual({ hidden: [], shown: ["c"] });
    expect(visibilityOf(runs, new Set(runs))).toEqual({ hidden: [], shown: [] });
  });

  it("toggles an item in or out of a list, once", () => {
    expect(toggledIn(["a", "b"], "c", true)).toEqual(["a", "b", "c"]);
    expect(toggledIn(["a", "b"], "a", true)).toEqual(["b", "a"]);
    expect(toggledIn(["a", "b", "a"], "a", false)).toEqual(["b"]);
    expect(toggledIn([], "x", false)).toEqual([]);
  });

  it("builds the compare link from selected runs", () => {
    expect(compareHref(["id1", "id2"])).toBe("/experiments/compare?runs=id1,id2");
    expect(parseCompareState(new URL(compareHref(["id1", "id2"]), "http://x").searchParams).runIds).toEqual([
      "id1",
      "id2",
    ]);
  });
});

describe("experiment list state", () => {
  it("round-trips search and page and drops defaults", () => {
    const state = parseExperimentListState(new URLSearchParams("q=churn&page=2"));
    expect(state).toEqual({ search: "churn", page: 2 });
    expect(serializeExperimentListState(state).toString()).toBe("q=churn&page=2");
    expect(serializeExperimentListState({ search: "", page: 1 }).toString()).toBe("");
  });
});

describe("reuseEqualFields", () => {
  it("keeps the previous arrays when their items are equal", () => {
    const previous = { runIds: ["a", "b"], hidden: ["a"], diff: false };
    const next = { runIds: ["a", "b"], hidden: [], diff: false };
    const merged = reuseEqualFields(previous, next);
    expect(merged.runIds).toBe(previous.runIds);
    expect(merged.hidden).toBe(next.hidden);
    expect(merged).not.toBe(previous);
  });

  it("returns the previous object when nothing changed", () => {
    const previous = { runIds: ["a"], axes: null, x: "metrics.auc" };
    expect(reuseEqualFields(previous, { runIds: ["a"], axes: null, x: "metrics.auc" })).toBe(previous);
  });
});
