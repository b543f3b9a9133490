"use client";

import { createColumnHelper, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo } from "react";
import { DataTable } from "@/components/ui/data-table";
import { DemoBadge } from "@/components/ui/demo-badge";
import type { RouterOutputs } from "@/trpc/react";
import { formatDate } from "@/lib/format";
import { UserRoleSelect } from "@/components/admin/user-role-select";
import { UserTeamSelect } from "@/components/admin/user-team-select";
import { EndSessionsDialog } from "@/components/admin/end-sessions-dialog";

type UserRow = RouterOutputs["admin"]["users"]["users"][number];
type Team = RouterOutputs["admin"]["teams"][number];

const column = createColumnHelper<UserRow>();

export function UsersTable({
  users,
  teams,
  currentUserId,
}: {
  users: UserRow[];
  teams: Team[];
  currentUserId: string | undefined;
}) {
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
      column.accessor("email", {
        header: "Email",
        cell: ({ getValue }) => <span className="text-slate-600">{getValue()}</span>,
      }),
      column.display({
        id: "team",
        header: "Team",
        cell: ({ row }) => <UserTeamSelect user={row.original} teams={teams} />,
      }),
      column.display({
        id: "role",
        header: "Role",
        cell: ({ row }) => <UserRoleSelect user={row.original} isSelf={row.original.id === currentUserId} />,
      }),
      column.accessor("createdAt", {
        header: "Created",
        cell: ({ getValue }) => <time dateTime={getValue().toISOString()}>{formatDate(getValue())}</time>,
      }),
      column.display({
        id: "sessions",
        header: "Sessions",
        cell: ({ row }) => <EndSessionsDialog user={row.original} />,
      }),
    ],
    [teams, currentUserId],
  );
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Table's API is not compiler-memoisable; this component does not rely on it.
  const table = useReactTable({ data: users, columns, getCoreRowModel: getCoreRowModel(), getRowId: (row) => row.id });
  return <DataTable table={table} testId="users-table" rowTestId="user-row" />;
}
