import { flexRender, type Header, type Row, type Table } from "@tanstack/react-table";
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

type Props<T> = {
  table: Table<T>;
  testId: string;
  rowTestId?: string;
  rowClassName?: (row: Row<T>) => string;
  /** Extra data-* attributes per row, e.g. a status end-to-end tests can read. */
  rowData?: (row: Row<T>) => Record<`data-${string}`, string>;
  /** Let cell content wrap (aligned at the top) instead of one line per cell. */
  wrapCells?: boolean;
  /** Sorting done by the server: sortable headers become buttons and carry aria-sort. */
  sort?: ServerSort;
};

function headerLabel<T>(header: Header<T, unknown>): string {
  const label = header.column.columnDef.header;
  return typeof label === "string" ? label : header.column.id;
}

function HeaderCell<T>({ header, sort }: { header: Header<T, unknown>; sort?: ServerSort }) {
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

/** Renders a TanStack table in the shared look: header row, body rows, optional server-side sorting. */
export function DataTable<T>({ table, testId, rowTestId, rowClassName, rowData, wrapCells = false, sort }: Props<T>) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid={testId}>
        <thead className={t.head}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} sort={sort} />
              ))}
            </tr>
          ))}
        </thead>
        <tbody className={t.body}>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              className={rowClassName ? rowClassName(row) : t.row}
              data-testid={rowTestId}
              {...rowData?.(row)}
            >
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta;
                return (
                  <td
                    key={cell.id}
                    className={cn(wrapCells ? t.tdWrap : t.td, meta?.className, meta?.numeric && t.numeric)}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
