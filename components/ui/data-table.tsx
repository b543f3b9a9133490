import { flexRender, type Row, type Table } from "@tanstack/react-table";
import { cn } from "@/lib/cn";
import "@/components/ui/column-meta";
import { HeaderCell, type ServerSort } from "@/components/ui/header-cell";
import { tableClasses as t } from "@/components/ui/table-classes";

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
