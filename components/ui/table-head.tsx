import type { ReactNode } from "react";
import { tableClasses as t } from "@/components/ui/table-classes";

export type HeadColumn = { label: ReactNode; numeric?: boolean };

/** The header row of a plain table: one column header each, numbers right-aligned. */
export function TableHead({ columns }: { columns: ReadonlyArray<HeadColumn | string | false> }) {
  return (
    <thead className={t.head}>
      <tr>
        {columns.map((column, i) => {
          if (column === false) return null;
          const { label, numeric } = typeof column === "string" ? { label: column, numeric: false } : column;
          return (
            <th key={i} scope="col" className={numeric ? `${t.th} ${t.numeric}` : t.th}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
