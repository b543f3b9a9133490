import type { Comparison, RuleFallback } from "@/contracts/online-features";
import type { Prediction } from "@/contracts/runtime-predict";

const COMPARE: Record<Comparison, (a: number, b: number) => boolean> = {
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

/**
 * The fallback's answer for one row: the outputs of the first rule whose conditions all hold, else `otherwise`. A
 * condition on a field the row lacks, or holds as something other than a finite number, does not hold — so a rule
 * never fires on data it cannot see.
 */
export function fallbackAnswer(fallback: RuleFallback, row: Record<string, unknown>): Prediction {
  const rule = fallback.rules.find((r) =>
    r.when.every(({ field, op, value }) => {
      const actual = row[field];
      return typeof actual === "number" && Number.isFinite(actual) && COMPARE[op](actual, value);
    }),
  );
  return { ...(rule?.outputs ?? fallback.otherwise) };
}
