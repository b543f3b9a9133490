"use client";

import { useCallback } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { SearchInput } from "@/components/ui/search-input";
import { Select } from "@/components/ui/select";
import type { RouterOutputs } from "@/trpc/react";
import type { AuditFilterKey, AuditUrlState } from "@/components/admin/audit-url";

type Facets = RouterOutputs["admin"]["auditFacets"];

type Props = {
  state: AuditUrlState;
  facets: Facets | undefined;
  onChange: (patch: Partial<Record<AuditFilterKey, string>>) => void;
  onClear: (() => void) | null;
};

/** Keeps a filter's current value selectable even when it no longer occurs in the log. */
function withCurrent(values: string[], current: string | undefined) {
  return current && !values.includes(current) ? [current, ...values] : values;
}

export function AuditFilters({ state, facets, onChange, onClear }: Props) {
  const onEntityId = useCallback((entityId: string) => onChange({ entityId }), [onChange]);
  const actors = facets?.actors ?? [];
  return (
    <form
      className="mb-4 flex flex-wrap items-end gap-3"
      onSubmit={(e) => e.preventDefault()}
      aria-label="Audit filters"
    >
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        Action
        <Select
          value={state.action ?? ""}
          onChange={(e) => onChange({ action: e.target.value })}
          data-testid="audit-filter-action"
        >
          <option value="">All actions</option>
          {withCurrent(facets?.actions ?? [], state.action).map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        Entity type
        <Select
          value={state.entityType ?? ""}
          onChange={(e) => onChange({ entityType: e.target.value })}
          data-testid="audit-filter-entity-type"
        >
          <option value="">All types</option>
          {withCurrent(facets?.entityTypes ?? [], state.entityType).map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        Who
        <Select
          value={state.actor ?? ""}
          onChange={(e) => onChange({ actor: e.target.value })}
          data-testid="audit-filter-actor"
        >
          <option value="">Everyone</option>
          {state.actor && !actors.some((a) => a.id === state.actor) && (
            <option value={state.actor}>{state.actor}</option>
          )}
          {actors.map((actor) => (
            <option key={actor.id} value={actor.id}>
              {actor.name} ({actor.email})
            </option>
          ))}
        </Select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        From
        <Input
          type="date"
          value={state.from ?? ""}
          max={state.to}
          onChange={(e) => onChange({ from: e.target.value })}
          className="py-1.5"
          data-testid="audit-filter-from"
        />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        To (inclusive)
        <Input
          type="date"
          value={state.to ?? ""}
          min={state.from}
          onChange={(e) => onChange({ to: e.target.value })}
          className="py-1.5"
          data-testid="audit-filter-to"
        />
      </label>
      <div className="flex flex-col gap-1 text-xs font-medium text-slate-600">
        <span aria-hidden>Entity id</span>
        <SearchInput
          value={state.entityId ?? ""}
          onSearch={onEntityId}
          label="Entity id"
          placeholder="Exact id"
          testId="audit-filter-entity-id"
          className="w-full max-w-sm"
        />
      </div>
      {onClear && (
        <Button variant="ghost" size="sm" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </form>
  );
}
