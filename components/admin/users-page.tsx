"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { ROLE_LABELS } from "@/contracts/permissions";
import { ROLES } from "@/contracts/enums";
import { isRole, parseUsersListState, serializeUsersListState } from "@/components/admin/users-url";
import { UsersTable } from "@/components/admin/users-table";

const PAGE_SIZE = 25;

export function UsersPage() {
  const trpc = useTRPC();
  const [{ search, role, page }, update] = useUrlState(parseUsersListState, serializeUsersListState);

  const users = useQuery({
    ...trpc.admin.users.queryOptions({
      search: search || undefined,
      role: role ?? undefined,
      page,
      pageSize: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const teams = useQuery(trpc.admin.teams.queryOptions());
  const me = useQuery(trpc.session.me.queryOptions());
  const onSearch = useCallback((text: string) => update({ search: text, page: 1 }, "replace"), [update]);
  const filtered = Boolean(search || role);

  return (
    <>
      <PageHeader
        title="Users"
        description="Roles decide what people and their API tokens may do. Every change is audited."
      />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <SearchInput
          value={search}
          onSearch={onSearch}
          label="Search users"
          placeholder="Name, email or team"
          testId="users-search"
          className="w-full max-w-sm"
        />
        <label className="flex items-center gap-2 text-sm text-slate-600">
          Role
          <Select
            value={role ?? ""}
            onChange={(e) => update({ role: isRole(e.target.value) ? e.target.value : null, page: 1 })}
            data-testid="users-role-filter"
          >
            <option value="">All roles</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </label>
      </div>
      {users.isPending || teams.isPending ? (
        <LoadingState label="Loading users…" />
      ) : users.isError || teams.isError ? (
        <ErrorState
          error={users.error ?? teams.error ?? { message: "Unknown error" }}
          onRetry={() => void Promise.all([users.refetch(), teams.refetch()])}
        />
      ) : users.data.total === 0 ? (
        <EmptyState
          title={filtered ? "No users match" : "No users yet"}
          description={filtered ? "Try another search or role." : "People appear here after they first sign in."}
        />
      ) : (
        <div className={users.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}>
          <UsersTable users={users.data.users} teams={teams.data} currentUserId={me.data?.id} />
          <Pagination
            page={users.data.page}
            pageSize={users.data.pageSize}
            total={users.data.total}
            onPageChange={(next) => update({ page: next })}
          />
        </div>
      )}
    </>
  );
}
