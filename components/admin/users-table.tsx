"use client";

import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo } from "react";
import { DemoBadge } from "@/components/ui/demo-badge";
import type { RouterOutputs } from "@/lib/trpc";
import { formatDate } from "./format-date";
import { UserRoleSelect } from "./user-role-select";
import { UserTeamSelect } from "./user-team-select";

type UserRow = RouterOutputs["admin"]["users"]["users"][number];
type Team = RouterOutputs["admin"]["teams"][number];

const column = createColumnHelper<UserRow>();

export function UsersTable({ users, teams, currentUserId }: { users: UserRow[]; teams: Team[]; currentUserId: string | undefined }) {
  const columns = useMemo(
    () => [
      column.accessor("name", {
        header: "Name",
        cell: ({ row }) => (
          <span className="flex items-center gap-2 font-medium text-slate-900">
            {row.original.name}
            {row.original.isDemo && <DemoBadge />}
          </span>
        ),
      }),
      column.accessor("email", { header: "Email", cell: ({ getValue }) => <span className="text-slate-600">{getValue()}</span> }),
      column.display({ id: "team", header: "Team", cell: ({ row }) => <UserTeamSelect user={row.original} teams={teams} /> }),
      column.display({
        id: "role",
        header: "Role",
        cell: ({ row }) => <UserRoleSelect user={row.original} isSelf={row.original.id === currentUserId} />,
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: ({ getValue }) => <time dateTime={getValue().toISOString()}>{formatDate(getValue())}</time>,
      }),
    ],
    [teams, currentUserId],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table's API is not compiler-memoisable; this component does not rely on it.
  const table = useReactTable({ data: users, columns, getCoreRowModel: getCoreRowModel(), getRowId: (row) => row.id });
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="users-table">
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="px-4 py-2 font-medium">
                  {flexRender(header.column.columnDef.header, header.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-slate-100">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-testid="user-row" className="align-middle">
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className="px-4 py-2.5">
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
