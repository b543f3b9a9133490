"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { formatDate, formatRelative } from "@/lib/format";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import type { RouterOutputs } from "@/trpc/react";
import { RevokeTokenDialog } from "@/components/settings/revoke-token-dialog";
import { TokenStatusBadge } from "@/components/settings/token-status-badge";

type OwnTokenRow = RouterOutputs["admin"]["tokens"]["list"][number];
type AnyTokenRow = RouterOutputs["admin"]["tokens"]["all"]["tokens"][number];
/** A token row; `owner` is there on the admin's list of everyone's tokens. */
type TokenRow = OwnTokenRow & { owner?: AnyTokenRow["owner"] };

const column = createColumnHelper<TokenRow>();

const dateCell = (date: Date) => (
  <time dateTime={date.toISOString()} title={date.toISOString()}>
    {formatDate(date)}
  </time>
);

const OWNER_COLUMN = column.display({
  id: "owner",
  header: "Owner",
  cell: ({ row }) => (
    <span className="leading-tight">
      <span className="block text-slate-900">{row.original.owner?.name}</span>
      <span className="block text-xs text-slate-500">{row.original.owner?.email}</span>
    </span>
  ),
});

const columnsFor = (owner: "own" | "any") => [
  column.accessor("name", {
    header: "Name",
    cell: ({ getValue }) => <span className="font-medium text-slate-900">{getValue()}</span>,
  }),
  column.accessor("prefix", {
    header: "Token",
    cell: ({ getValue }) => <code className="font-mono text-xs text-slate-600">{getValue()}…</code>,
  }),
  column.accessor("scopes", {
    header: "Scopes",
    cell: ({ getValue }) => (
      <span className="flex flex-wrap gap-1">
        {getValue().map((scope) => (
          <Badge key={scope} tone="indigo">
            {scope}
          </Badge>
        ))}
      </span>
    ),
  }),
  column.accessor("rateLimitPerMinute", {
    header: "Requests/min",
    cell: ({ getValue }) => {
      const limit = getValue();
      return limit === null ? <span className="text-slate-500">Default</span> : limit.toLocaleString("en-US");
    },
  }),
  column.accessor("createdAt", { header: "Created", cell: ({ getValue }) => dateCell(getValue()) }),
  column.accessor("expiresAt", {
    header: "Expires",
    cell: ({ getValue }) => (
      <span>
        {dateCell(getValue())}
        <span className="block text-xs text-slate-500">{formatRelative(getValue())}</span>
      </span>
    ),
  }),
  column.accessor("lastUsedAt", {
    header: "Last used",
    cell: ({ getValue }) => {
      const used = getValue();
      return used ? (
        <time dateTime={used.toISOString()} title={used.toISOString()}>
          {formatRelative(used)}
        </time>
      ) : (
        <span className="text-slate-500">Never</span>
      );
    },
  }),
  column.accessor("status", { header: "Status", cell: ({ getValue }) => <TokenStatusBadge status={getValue()} /> }),
  column.display({
    id: "actions",
    header: () => <span className="sr-only">Actions</span>,
    cell: ({ row }) =>
      row.original.status === "active" ? <RevokeTokenDialog token={row.original} owner={owner} /> : null,
  }),
];

const OWN_COLUMNS = columnsFor("own");
const ANY_COLUMNS = [OWNER_COLUMN, ...columnsFor("any")];

/** The signed-in person's tokens, or (owner "any", admins) everyone's with an owner column. */
export function TokensTable({ tokens, owner = "own" }: { tokens: TokenRow[]; owner?: "own" | "any" }) {
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table's API is not compiler-memoisable; this component does not rely on it.
  const table = useReactTable({
    data: tokens,
    columns: owner === "any" ? ANY_COLUMNS : OWN_COLUMNS,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
  });
  return (
    <DataTable
      table={table}
      testId="tokens-table"
      rowTestId="token-row"
      rowData={(row) => ({ "data-status": row.original.status })}
      wrapCells
    />
  );
}
