import type { ReactNode } from "react";
import type { RowData } from "@tanstack/react-table";

declare module "@tanstack/react-table" {
  /** How DataTable presents a column, set in the column definition. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the type parameters must match TanStack's declaration.
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
    /** The header keeps its own case (metric and parameter keys) instead of upper case. */
    keepCase?: boolean;
    /** Shown after the header label, e.g. what kind of value the column holds. */
    headerSuffix?: ReactNode;
    /** Added to the column's header and body cells. */
    className?: string;
  }
}
