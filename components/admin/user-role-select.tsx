"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Select } from "@/components/ui/select";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { ROLES } from "@/contracts/enums";
import { ROLE_LABELS } from "@/contracts/permissions";
import { MutationFeedback } from "@/components/forms/mutation-feedback";

type UserRow = RouterOutputs["admin"]["users"]["users"][number];

export function UserRoleSelect({ user, isSelf }: { user: UserRow; isSelf: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.admin.setUserRole.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.audit.pathKey() }),
        ]),
    }),
  );
  const shown = mutation.isPending ? (mutation.variables?.role ?? user.role) : user.role;
  return (
    <div className="flex flex-col gap-1">
      <Select
        aria-label={`Role of ${user.name}`}
        data-testid={`role-select-${user.email}`}
        value={shown}
        disabled={isSelf || mutation.isPending}
        title={isSelf ? "You cannot change your own role; ask another admin" : undefined}
        onChange={(e) => mutation.mutate({ userId: user.id, role: e.target.value as UserRow["role"] })}
        className="py-1"
      >
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </Select>
      {isSelf && <span className="text-xs text-slate-500">Your own role</span>}
      <MutationFeedback mutation={mutation} />
    </div>
  );
}
