"use client";

import { useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { TASK_TYPES } from "@/contracts/enums";
import { TASK_TYPE_LABELS } from "@/components/registry/format";
import type { ModelListParams } from "@/components/registry/model-list-params";

type Props = {
  params: ModelListParams;
  onChange: (change: Partial<ModelListParams>, mode?: "push" | "replace") => void;
};

export function ModelFilters({ params, onChange }: Props) {
  const trpc = useTRPC();
  const teams = useQuery(trpc.registry.teams.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  const tags = useQuery(trpc.registry.tags.queryOptions(undefined, { staleTime: 60_000 }));
  const onSearch = useCallback((q: string) => onChange({ q }, "replace"), [onChange]);
  const filtered = Boolean(params.q || params.team || params.task || params.tag);
  const tagOptions = tags.data?.map((t) => t.tag) ?? [];
  if (params.tag && !tagOptions.includes(params.tag)) tagOptions.unshift(params.tag);

  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Filter models">
      <SearchInput
        value={params.q}
        onSearch={onSearch}
        label="Search models"
        placeholder="Search name or description…"
        testId="model-search"
        className="min-w-64 flex-1"
      />
      <label className="sr-only" htmlFor="filter-team">
        Team
      </label>
      <Select
        id="filter-team"
        value={params.team}
        onChange={(e) => onChange({ team: e.target.value })}
        data-testid="filter-team"
      >
        <option value="">All teams</option>
        {params.team && !teams.data?.some((t) => t.name === params.team) && (
          <option value={params.team}>{params.team}</option>
        )}
        {teams.data?.map((team) => (
          <option key={team.id} value={team.name}>
            {team.name}
          </option>
        ))}
      </Select>
      <label className="sr-only" htmlFor="filter-task">
        Task type
      </label>
      <Select
        id="filter-task"
        value={params.task}
        onChange={(e) => onChange({ task: TASK_TYPES.find((t) => t === e.target.value) ?? "" })}
        data-testid="filter-task"
      >
        <option value="">All task types</option>
        {TASK_TYPES.map((task) => (
          <option key={task} value={task}>
            {TASK_TYPE_LABELS[task]}
          </option>
        ))}
      </Select>
      <label className="sr-only" htmlFor="filter-tag">
        Tag
      </label>
      <Select
        id="filter-tag"
        value={params.tag}
        onChange={(e) => onChange({ tag: e.target.value })}
        data-testid="filter-tag"
      >
        <option value="">All tags</option>
        {tagOptions.map((tag) => (
          <option key={tag} value={tag}>
            {tag}
          </option>
        ))}
      </Select>
      {filtered && (
        <Button variant="ghost" size="sm" onClick={() => onChange({ q: "", team: "", task: "", tag: "" })}>
          <X className="h-3.5 w-3.5" aria-hidden />
          Clear filters
        </Button>
      )}
    </div>
  );
}
