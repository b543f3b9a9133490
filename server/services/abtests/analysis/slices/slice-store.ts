import { Prisma, type AbSliceKind } from "@/server/db/generated/client";
import type { SliceSpan } from "@/server/services/abtests/analysis/slices/hours";

type Tx = Prisma.TransactionClient;

/**
 * Rows written this long before a count may still have been invisible to it (a transaction still open while it ran, a
 * writer's clock behind the looking worker's): hours with rows written since the previous count less this are counted
 * again. A writer slower than this is caught by the next whole recount (RECOUNT_AFTER_MS) or a decision's look.
 */
export const CHANGE_SLACK_MS = 2 * 60_000;
/** Every slice is counted afresh at least this often, whatever the marks say changed. */
export const RECOUNT_AFTER_MS = 24 * 3_600_000;
const HOUR_MS = 3_600_000;

/** A first count of a long test reads every hour from the prediction log: longer than an interactive default. */
export const SLICE_TRANSACTION = { maxWait: 30_000, timeout: 300_000 };

export type SliceMark = {
  firstHour: Date;
  throughHour: Date;
  changesSince: Date;
  recountedAt: Date;
  metrics: string[];
  edges: number[];
  edgeSample: number;
};

/** How one kind of slice is counted: from which log, by which columns, and which hours of it changed. */
export type SliceCounter = {
  kind: AbSliceKind;
  /** Inserts the slices of the rows whose predictedAt meets `within` (whole hours), from the prediction log. */
  count: (tx: Tx, testId: string, within: Prisma.Sql) => Promise<void>;
  /** The hours in [firstHour, throughHour) holding rows written at or after `since`. */
  changedHours: (tx: Tx, since: Date, span: SliceSpan) => Promise<Date[]>;
};

/** The mark, locked for this transaction (created empty at first): one count per test and kind at a time. */
export async function lockMark(tx: Tx, testId: string, kind: AbSliceKind, span: SliceSpan): Promise<SliceMark> {
  await tx.abTestSliceMark.createMany({
    data: [
      {
        testId,
        kind,
        firstHour: span.firstHour,
        throughHour: span.firstHour,
        changesSince: new Date(0),
        recountedAt: new Date(0),
        metrics: [],
        edges: [],
      },
    ],
    skipDuplicates: true,
  });
  const [mark] = await tx.$queryRaw<SliceMark[]>`
    SELECT "firstHour", "throughHour", "changesSince", "recountedAt", coalesce("metrics", '{}') AS metrics,
      coalesce("edges", '{}') AS edges, "edgeSample" FROM "AbTestSliceMark"
    WHERE "testId" = ${testId} AND "kind" = ${kind}::"AbSliceKind" FOR UPDATE`;
  if (!mark) throw new Error(`The ${kind} slice mark of test ${testId} vanished while locked`);
  return mark;
}

/**
 * Brings a test's slices of one kind up to `span` at the look's time `now`, in the caller's transaction (the mark is
 * locked): with `restart` (metrics or bins changed, a recount was asked for), a new first hour, or no recount for
 * RECOUNT_AFTER_MS, every slice is dropped and counted again; otherwise hours past the span are dropped, hours whose
 * rows were written since the last count (less CHANGE_SLACK_MS) are counted again, and the hours the span newly reaches
 * are counted. `fields` are stored on the mark.
 */
export async function refreshSlices(
  tx: Tx,
  testId: string,
  counter: SliceCounter,
  span: SliceSpan,
  mark: SliceMark,
  options: { restart: boolean; now: Date; fields: Pick<SliceMark, "metrics" | "edges" | "edgeSample"> },
): Promise<void> {
  const where = { testId, kind: counter.kind };
  const { now } = options;
  const restart =
    options.restart ||
    mark.firstHour.getTime() !== span.firstHour.getTime() ||
    now.getTime() - mark.recountedAt.getTime() > RECOUNT_AFTER_MS;
  let counted = restart ? span.firstHour : mark.throughHour;
  if (restart) await tx.abTestSlice.deleteMany({ where });
  if (counted > span.throughHour) {
    await tx.abTestSlice.deleteMany({ where: { ...where, hour: { gte: span.throughHour } } });
    counted = span.throughHour;
  }
  const changed =
    counted > span.firstHour
      ? await counter.changedHours(tx, new Date(mark.changesSince.getTime() - CHANGE_SLACK_MS), {
          firstHour: span.firstHour,
          throughHour: counted,
        })
      : [];
  if (changed.length > 0) await tx.abTestSlice.deleteMany({ where: { ...where, hour: { in: changed } } });
  const ranges = changed.map((hour) => ({ from: hour, to: new Date(hour.getTime() + HOUR_MS) }));
  if (counted < span.throughHour) ranges.push({ from: counted, to: span.throughHour });
  if (ranges.length > 0) await counter.count(tx, testId, predictedWithin(ranges));
  await tx.abTestSliceMark.update({
    where: { testId_kind: where },
    data: {
      firstHour: span.firstHour,
      throughHour: span.throughHour,
      changesSince: now,
      ...(restart ? { recountedAt: now } : {}),
      ...options.fields,
    },
  });
}

/** The slices of hours in the span. */
export function readSlices(tx: Tx, testId: string, kind: AbSliceKind, span: SliceSpan) {
  return tx.abTestSlice.findMany({
    where: { testId, kind, hour: { gte: span.firstHour, lt: span.throughHour } },
    select: { variantName: true, units: true, sums: true, squares: true, weighted: true, bins: true, mirrors: true },
  });
}

/** A predictedAt condition: inside any of the ranges, half-open unless `inclusive` (each one an index range scan). */
export function predictedWithin(ranges: ReadonlyArray<{ from: Date; to: Date; inclusive?: boolean }>): Prisma.Sql {
  if (ranges.length === 0) return Prisma.sql`FALSE`;
  const each = ranges.map(({ from, to, inclusive }) =>
    inclusive
      ? Prisma.sql`("predictedAt" >= ${from} AND "predictedAt" <= ${to})`
      : Prisma.sql`("predictedAt" >= ${from} AND "predictedAt" < ${to})`,
  );
  return Prisma.sql`(${Prisma.join(each, " OR ")})`;
}
