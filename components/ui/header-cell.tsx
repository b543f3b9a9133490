import { flexRender, type Header } from "@tanstack/react-table";
import { ariaSort } from "@/lib/aria-sort";
import { cn } from "@/lib/cn";
import "@/components/ui/column-meta";
import { SortHeader, type SortDirection } from "@/components/ui/sort-header";
import { tableClasses as t } from "@/components/ui/table-classes";

export type ServerSort = {
  sortBy: string;
  sortDir: SortDirection;
  onSort: (columnId: string) => void;
  canSort: (columnId: string) => boolean;
};

function headerLabel<T>(header: Header<T, unknown>): string {
  const label = header.column.columnDef.header;
  return typeof label === "string" ? label : header.column.id;
}

/** A table's column header: a sort button when the server sorts by the column. */
export function HeaderCell<T>({ header, sort }: { header: Header<T, unknown>; sort?: ServerSort }) {
  const id = header.column.id;
  const meta = header.column.columnDef.meta;
  const sortable = sort?.canSort(id) ?? false;
  const direction = sort && sort.sortBy === id ? sort.sortDir : null;
  return (
    <th
      scope="col"
      aria-sort={sort && sortable ? ariaSort(sort, id) : undefined}
      className={cn(t.th, meta?.className, meta?.numeric && "text-right")}
    >
      {sort && sortable ? (
        <SortHeader
          label={headerLabel(header)}
          direction={direction}
          onSort={() => sort.onSort(id)}
          numeric={meta?.numeric}
          keepCase={meta?.keepCase}
        />
      ) : meta?.keepCase ? (
        <span className="normal-case">{flexRender(header.column.columnDef.header, header.getContext())}</span>
      ) : (
        flexRender(header.column.columnDef.header, header.getContext())
      )}
      {meta?.headerSuffix}
    </th>
  );
}
