"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Select } from "@/components/ui/select";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { MutationFeedback } from "@/components/forms/mutation-feedback";

type UserRow = RouterOutputs["admin"]["users"]["users"][number];
type Team = RouterOutputs["admin"]["teams"][number];

const NO_TEAM = "";

export function UserTeamSelect({ user, teams }: { user: UserRow; teams: Team[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(
    trpc.admin.setUserTeam.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.admin.users.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.teams.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.admin.audit.pathKey() }),
        ]),
    }),
  );
  const current = user.team?.id ?? NO_TEAM;
  const shown = mutation.isPending ? (mutation.variables?.teamId ?? NO_TEAM) : current;
  return (
    <div className="flex flex-col gap-1">
      <Select
        aria-label={`Team of ${user.name}`}
        data-testid={`team-select-${user.email}`}
        value={shown}
        disabled={mutation.isPending}
        onChange={(e) =>
          mutation.mutate({ userId: user.id, teamId: e.target.value === NO_TEAM ? null : e.target.value })
        }
        className="max-w-48 py-1"
      >
        <option value={NO_TEAM}>No team</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </Select>
      <MutationFeedback mutation={mutation} />
    </div>
  );
}
