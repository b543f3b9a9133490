"use client";

import { ChevronDown, ChevronRight, KeyRound } from "lucide-react";
import { useId, useState } from "react";
import type { RouterOutputs } from "@/trpc/react";
import { AuditDiffView } from "@/components/admin/audit-diff-view";
import { AuditEntityCell } from "@/components/admin/audit-entity-cell";
import { formatDateTime, formatRelative } from "@/lib/format";

type AuditRowData = RouterOutputs["admin"]["audit"]["rows"][number];

export function AuditRow({
  row,
  onFilterEntity,
}: {
  row: AuditRowData;
  onFilterEntity: (entityType: string, entityId: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  return (
    <>
      <tr data-testid="audit-row" data-action={row.action} className="align-top">
        <td className="px-2 py-2">
          <button
            type="button"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
            aria-controls={detailsId}
            aria-label={`${open ? "Hide" : "Show"} changes for ${row.action} at ${formatDateTime(row.createdAt)}`}
            className="rounded p-1 text-slate-500 hover:bg-slate-100"
          >
            {open ? <ChevronDown className="h-4 w-4" aria-hidden /> : <ChevronRight className="h-4 w-4" aria-hidden />}
          </button>
        </td>
        <td className="whitespace-nowrap px-2 py-2 text-slate-700">
          <time dateTime={row.createdAt.toISOString()} title={row.createdAt.toISOString()}>
            {formatDateTime(row.createdAt)}
          </time>
          <span className="block text-xs text-slate-500">{formatRelative(row.createdAt)}</span>
        </td>
        <td className="px-2 py-2">
          <span className="block font-medium text-slate-900">{row.actor?.name ?? "System"}</span>
          {row.actor && <span className="block text-xs text-slate-500">{row.actor.email}</span>}
          {row.token && (
            <span className="mt-0.5 inline-flex items-center gap-1 text-xs text-slate-500" data-testid="audit-token">
              <KeyRound className="h-3 w-3" aria-hidden />
              via token {row.token.name ?? "(deleted)"}
              {row.token.prefix && <code className="text-slate-500">{row.token.prefix}…</code>}
            </span>
          )}
        </td>
        <td className="px-2 py-2">
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{row.action}</code>
        </td>
        <td className="px-2 py-2">
          <AuditEntityCell row={row} onFilter={onFilterEntity} />
        </td>
      </tr>
      <tr id={detailsId} hidden={!open} className="bg-slate-50/60">
        <td />
        <td colSpan={4} className="px-2 pb-3 pt-1">
          {open && <AuditDiffView before={row.before} after={row.after} />}
        </td>
      </tr>
    </>
  );
}
