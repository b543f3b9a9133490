"use client";

import { X } from "lucide-react";
import { useCallback } from "react";
import { ENVIRONMENT_LABELS, ENVIRONMENTS, TARGET_LABELS, TARGETS } from "@/components/deployments/labels";
import { Button } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import type { EndpointListParams } from "@/components/endpoints/endpoint-list-params";

type Props = {
  params: EndpointListParams;
  onChange: (change: Partial<EndpointListParams>, mode?: "push" | "replace") => void;
};

export function EndpointFilters({ params, onChange }: Props) {
  const onSearch = useCallback((q: string) => onChange({ q }, "replace"), [onChange]);
  const filtered = Boolean(params.q || params.env || params.target);
  return (
    <div className="mb-4 flex flex-wrap items-center gap-2" role="search" aria-label="Filter endpoints">
      <SearchInput
        value={params.q}
        onSearch={onSearch}
        label="Search by model"
        placeholder="Search by model name…"
        testId="endpoint-search"
        className="min-w-64 flex-1"
      />
      <label className="sr-only" htmlFor="filter-environment">
        Environment
      </label>
      <Select
        id="filter-environment"
        value={params.env}
        onChange={(e) => onChange({ env: ENVIRONMENTS.find((v) => v === e.target.value) ?? "" })}
        data-testid="filter-environment"
      >
        <option value="">All environments</option>
        {ENVIRONMENTS.map((env) => (
          <option key={env} value={env}>
            {ENVIRONMENT_LABELS[env]}
          </option>
        ))}
      </Select>
      <label className="sr-only" htmlFor="filter-target">
        Target
      </label>
      <Select
        id="filter-target"
        value={params.target}
        onChange={(e) => onChange({ target: TARGETS.find((v) => v === e.target.value) ?? "" })}
        data-testid="filter-target"
      >
        <option value="">All targets</option>
        {TARGETS.map((target) => (
          <option key={target} value={target}>
            {TARGET_LABELS[target]}
          </option>
        ))}
      </Select>
      {filtered && (
        <Button variant="ghost" size="sm" onClick={() => onChange({ q: "", env: "", target: "" })}>
          <X className="h-3.5 w-3.5" aria-hidden />
          Clear filters
        </Button>
      )}
    </div>
  );
}
