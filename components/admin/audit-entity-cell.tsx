"use client";

import { Filter } from "lucide-react";
import Link from "next/link";
import type { RouterOutputs } from "@/trpc/react";
import { auditEntityLink } from "@/components/admin/audit-entity-href";

type AuditRow = RouterOutputs["admin"]["audit"]["rows"][number];

export function AuditEntityCell({
  row,
  onFilter,
}: {
  row: AuditRow;
  onFilter: (entityType: string, entityId: string) => void;
}) {
  const link = row.entity ? auditEntityLink(row.entity) : null;
  return (
    <div className="flex items-start gap-1.5">
      <div className="min-w-0">
        <span className="block text-xs text-slate-500">{row.entityType}</span>
        {link?.href ? (
          <Link href={link.href} className="font-medium text-indigo-700 hover:underline">
            {link.label}
          </Link>
        ) : link ? (
          <span className="font-medium text-slate-800">{link.label}</span>
        ) : (
          <span className="block truncate font-mono text-xs text-slate-700" title={row.entityId}>
            {row.entityId}
          </span>
        )}
      </div>
      <button
        type="button"
        onClick={() => onFilter(row.entityType, row.entityId)}
        className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700"
        aria-label={`Show only the history of ${row.entityType} ${link?.label ?? row.entityId}`}
        title="Show only this entity's history"
      >
        <Filter className="h-3.5 w-3.5" aria-hidden />
      </button>
    </div>
  );
}
