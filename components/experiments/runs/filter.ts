/** Helpers for the run filter expression input. */

export const FILTER_EXAMPLE = "metrics.auc > 0.9 and params.max_depth = 6";

export const FILTER_HINTS = [
  FILTER_EXAMPLE,
  'params.optimizer = "adam"',
  'attributes.status = "FINISHED"',
  'tags.dataset != "v1"',
] as const;

/**
 * The 0-based character index a server error points at. The server counts positions from 1
 * ("… at position 12" is the twelfth character).
 */
export function filterErrorIndex(message: string): number | null {
  const match = /\bat position (\d+)\b/i.exec(message);
  if (match?.[1] === undefined) return null;
  return Math.max(0, Number(match[1]) - 1);
}

/** The expression split around `index`, to underline where the problem is. */
export function splitAtIndex(expression: string, index: number): { before: string; at: string; after: string } {
  const clamped = Math.min(Math.max(0, index), expression.length);
  return {
    before: expression.slice(0, clamped),
    at: expression.slice(clamped, clamped + 1) || " ",
    after: expression.slice(clamped + 1),
  };
}
