"use client";

import { flexRender, type Row, type Table } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type ReactNode } from "react";
import { cn } from "@/lib/cn";
import "@/components/ui/column-meta";
import { HeaderCell, type ServerSort } from "@/components/ui/header-cell";
import { tableClasses as t } from "@/components/ui/table-classes";
import { VirtualSpacerRow } from "@/components/ui/virtual-spacer-row";

type Props<T> = {
  table: Table<T>;
  testId: string;
  label: string;
  /** Rows matching on the server (for aria-rowcount); the table holds the ones loaded so far. */
  totalRows: number;
  rowClassName?: (row: Row<T>) => string;
  sort?: ServerSort;
  /** Called when the last loaded rows scroll into view. */
  onNearEnd?: () => void;
  /** Shown under the last row, e.g. "Loading more…". */
  footer?: ReactNode;
};

const ROW_HEIGHT = 41;
const NEAR_END_ROWS = 30;

/**
 * A TanStack table in a scrolling box that renders only the rows in view (and a few around them), so it stays fast
 * with tens of thousands of loaded rows. The header stays in place; the box scrolls with the keyboard when focused.
 */
export function VirtualDataTable<T>({
  table,
  testId,
  label,
  totalRows,
  rowClassName,
  sort,
  onNearEnd,
  footer,
}: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  // TanStack Virtual returns fresh functions each render by design; this component is not compiler-memoised.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;
  // Asked when the rows in view or the rows loaded change, not when the callback does (it changes as a load ends).
  const nearEnd = useRef(onNearEnd);
  useEffect(() => {
    nearEnd.current = onNearEnd;
  }, [onNearEnd]);
  useEffect(() => {
    if (rows.length > 0 && lastIndex >= rows.length - NEAR_END_ROWS) nearEnd.current?.();
  }, [lastIndex, rows.length]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const columnCount = table.getVisibleLeafColumns().length;
  return (
    <div
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label={label}
      className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white shadow-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500"
    >
      <table className={t.table} data-testid={testId} aria-rowcount={totalRows + 1}>
        <thead className={`${t.head} sticky top-0 z-10`}>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => (
                <HeaderCell key={header.id} header={header} sort={sort} />
              ))}
            </tr>
          ))}
        </thead>
        <tbody className={t.body}>
          <VirtualSpacerRow height={paddingTop} columns={columnCount} />
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <tr
                key={row.id}
                ref={virtualizer.measureElement}
                data-index={item.index}
                aria-rowindex={item.index + 2}
                className={rowClassName ? rowClassName(row) : t.row}
              >
                {row.getVisibleCells().map((cell) => {
                  const meta = cell.column.columnDef.meta;
                  return (
                    <td key={cell.id} className={cn(t.td, meta?.className, meta?.numeric && t.numeric)}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </td>
                  );
                })}
              </tr>
            );
          })}
          <VirtualSpacerRow height={paddingBottom} columns={columnCount} />
        </tbody>
      </table>
      {footer}
    </div>
  );
}
