/** The aria-sort value of a column header while a table is sorted server-side by one column. */
export function ariaSort(
  current: { sortBy: string; sortDir: "asc" | "desc" },
  columnId: string,
): "ascending" | "descending" | "none" {
  if (current.sortBy !== columnId) return "none";
  return current.sortDir === "asc" ? "ascending" : "descending";
}
