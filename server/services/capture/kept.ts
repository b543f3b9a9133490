import { Prisma } from "@/server/db/generated/client";

/**
 * THE kept predicate, in one place: a captured row survives retention (it is copied to CapturedPredictionRetained
 * before its partition is dropped, and is not deleted by row retention) when anything refers to it: a ground-truth
 * outcome, a label item or a caller's flag.
 * `row` is the alias of the captured-prediction row in the calling query.
 */
export function keptPredicate(row: "p"): Prisma.Sql {
  const alias = Prisma.raw(`"${row}"`);
  return Prisma.sql`(EXISTS (SELECT 1 FROM "PredictionOutcome" o WHERE o."predictionId" = ${alias}."id")
    OR EXISTS (SELECT 1 FROM "LabelItem" i WHERE i."predictionId" = ${alias}."id")
    OR EXISTS (SELECT 1 FROM "PredictionFlag" f WHERE f."predictionId" = ${alias}."id"))`;
}
