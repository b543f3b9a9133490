import { z } from "zod";
import { Prisma } from "@/server/db/generated/client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { upsertPriceInput } from "@/contracts/pricing";
import type { PriceView, UpsertPriceResult } from "@/server/services/cost/schemas";

const priceSelect = {
  id: true,
  name: true,
  target: true,
  hourlyUsd: true,
  vcpus: true,
  memoryGib: true,
  gpus: true,
  source: true,
  updatedAt: true,
  updatedById: true,
} as const satisfies Prisma.PricedInstanceTypeSelect;

type PriceRow = Prisma.PricedInstanceTypeGetPayload<{ select: typeof priceSelect }>;

function toView(row: PriceRow, names: Map<string, string>): PriceView {
  const { updatedById, hourlyUsd, ...rest } = row;
  return { ...rest, hourlyUsd: hourlyUsd.toNumber(), updatedBy: updatedById ? (names.get(updatedById) ?? null) : null };
}

export async function listPrices(ctx: ReadContext): Promise<PriceView[]> {
  const rows = await ctx.db.pricedInstanceType.findMany({
    select: priceSelect,
    orderBy: [{ target: "asc" }, { name: "asc" }],
  });
  const editorIds = [...new Set(rows.flatMap((r) => (r.updatedById ? [r.updatedById] : [])))];
  const editors = await ctx.db.user.findMany({ where: { id: { in: editorIds } }, select: { id: true, name: true } });
  const names = new Map(editors.map((u) => [u.id, u.name]));
  return rows.map((r) => toView(r, names));
}

/** Hourly price per instance type, for the cost arithmetic. */
export async function priceTable(ctx: ReadContext): Promise<Map<string, number>> {
  const rows = await ctx.db.pricedInstanceType.findMany({ select: { name: true, hourlyUsd: true } });
  return new Map(rows.map((r) => [r.name, r.hourlyUsd.toNumber()]));
}

/** Creates or edits one price (by name) and audits the change. */
export async function upsertPrice(
  ctx: ServiceContext,
  input: z.input<typeof upsertPriceInput>,
): Promise<UpsertPriceResult> {
  const data = parseInput(upsertPriceInput, input);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.pricedInstanceType.findUnique({ where: { name: data.name }, select: priceSelect });
    const fields = { ...data, hourlyUsd: new Prisma.Decimal(data.hourlyUsd), updatedById: ctx.actor.userId };
    const saved = await tx.pricedInstanceType.upsert({
      where: { name: data.name },
      create: fields,
      update: fields,
      select: priceSelect,
    });
    await recordAudit(tx, ctx.actor, {
      action: before ? "pricing.update" : "pricing.create",
      entityType: "PricedInstanceType",
      entityId: saved.id,
      before: before ? auditable(before) : undefined,
      after: auditable(saved),
    });
    return { id: saved.id, name: saved.name, hourlyUsd: saved.hourlyUsd.toNumber(), created: !before };
  });
}

function auditable(row: PriceRow) {
  return {
    name: row.name,
    target: row.target,
    hourlyUsd: row.hourlyUsd.toString(),
    vcpus: row.vcpus,
    memoryGib: row.memoryGib,
    gpus: row.gpus,
    source: row.source,
  };
}
