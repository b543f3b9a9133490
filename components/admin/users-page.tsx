"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/lib/trpc";
import { ROLE_LABELS, ROLES } from "@/server/auth/roles";
import { DebouncedSearch } from "./debounced-search";
import { useQueryParams } from "./use-query-params";
import { UsersTable } from "./users-table";

const PAGE_SIZE = 25;

type Role = (typeof ROLES)[number];
const isRole = (value: string | null): value is Role => (ROLES as readonly (string | null)[]).includes(value);

function pageFrom(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function UsersPage() {
  const trpc = useTRPC();
  const [params, setParams] = useQueryParams();
  const search = params.get("q") ?? "";
  const roleParam = params.get("role");
  const role = isRole(roleParam) ? roleParam : undefined;
  const page = pageFrom(params.get("page"));

  const users = useQuery({
    ...trpc.admin.users.queryOptions({ search: search || undefined, role, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const teams = useQuery(trpc.admin.teams.queryOptions());
  const me = useQuery(trpc.session.me.queryOptions());
  const onSearch = useCallback((q: string) => setParams({ q, page: undefined }, "replace"), [setParams]);
  const filtered = Boolean(search || role);

  return (
    <>
      <PageHeader title="Users" description="Roles decide what people and their API tokens may do. Every change is audited." />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <DebouncedSearch value={search} onChange={onSearch} label="Search users" placeholder="Name, email or team" testId="users-search" />
        <label className="flex items-center gap-2 text-sm text-slate-600">
          Role
          <Select value={role ?? ""} onChange={(e) => setParams({ role: e.target.value, page: undefined })} data-testid="users-role-filter">
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
            onPageChange={(next) => setParams({ page: next === 1 ? undefined : String(next) })}
          />
        </div>
      )}
    </>
  );
}
