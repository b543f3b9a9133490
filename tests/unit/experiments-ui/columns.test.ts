import { describe, expect, it } from "vitest";
import { ariaSort } from "@/lib/aria-sort";
import {
  defaultColumnIds,
  nextSort,
  parseColumnId,
  resolveColumns,
  toggleColumn,
} from "@/components/experiments/shared/columns";

describe("value columns", () => {
  it("parses metric and param column ids, keeping dots in keys", () => {
    expect(parseColumnId("metrics.val.auc")).toEqual({ id: "metrics.val.auc", kind: "metric", key: "val.auc" });
    expect(parseColumnId("params.lr")).toEqual({ id: "params.lr", kind: "param", key: "lr" });
    expect(parseColumnId("metrics.")).toBeNull();
    expect(parseColumnId("name")).toBeNull();
  });

  it("defaults to the first three metrics", () => {
    expect(defaultColumnIds(["a", "b", "c", "d"])).toEqual(["metrics.a", "metrics.b", "metrics.c"]);
  });

  it("drops chosen columns the experiment does not have", () => {
    const columns = resolveColumns(["metrics.gone", "params.lr", "metrics.auc"], ["auc"], ["lr"]);
    expect(columns.map((c) => c.id)).toEqual(["params.lr", "metrics.auc"]);
    expect(resolveColumns(null, ["auc", "loss"], []).map((c) => c.id)).toEqual(["metrics.auc", "metrics.loss"]);
  });

  it("toggles a column on and off", () => {
    expect(toggleColumn(["a"], "b")).toEqual(["a", "b"]);
    expect(toggleColumn(["a", "b"], "a")).toEqual(["b"]);
  });
});

describe("sorting", () => {
  it("flips the direction of the current column", () => {
    expect(nextSort({ sortBy: "name", sortDir: "asc" }, "name")).toEqual({ sortBy: "name", sortDir: "desc" });
    expect(nextSort({ sortBy: "name", sortDir: "desc" }, "name")).toEqual({ sortBy: "name", sortDir: "asc" });
  });

  it("starts metrics and time descending, text ascending", () => {
    const current = { sortBy: "startTime", sortDir: "desc" as const };
    expect(nextSort(current, "metrics.auc").sortDir).toBe("desc");
    expect(nextSort(current, "params.lr").sortDir).toBe("asc");
    expect(nextSort(current, "status").sortDir).toBe("asc");
    expect(nextSort(current, "duration").sortDir).toBe("desc");
  });

  it("reports aria-sort for headers", () => {
    const current = { sortBy: "metrics.auc", sortDir: "asc" as const };
    expect(ariaSort(current, "metrics.auc")).toBe("ascending");
    expect(ariaSort({ ...current, sortDir: "desc" }, "metrics.auc")).toBe("descending");
    expect(ariaSort(current, "name")).toBe("none");
  });
});
