import type { Prisma } from "@/server/db/generated/client";
import type { AliasEvent } from "@/server/services/registry/schemas";

export const aliasEventSelect = {
  id: true,
  alias: true,
  reason: true,
  createdAt: true,
  fromVersion: { select: { version: true } },
  toVersion: { select: { version: true } },
  actor: { select: { id: true, name: true } },
} satisfies Prisma.AliasEventSelect;

type AliasEventRow = Prisma.AliasEventGetPayload<{ select: typeof aliasEventSelect }>;

export function toAliasEvent(row: AliasEventRow): AliasEvent {
  return {
    id: row.id.toString(),
    alias: row.alias,
    fromVersion: row.fromVersion?.version ?? null,
    toVersion: row.toVersion?.version ?? null,
    actor: row.actor,
    reason: row.reason,
    createdAt: row.createdAt,
  };
}
