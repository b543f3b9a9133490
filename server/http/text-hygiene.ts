import { AppError } from "@/server/errors";

/** A NUL, or a UTF-16 surrogate without its pair: PostgreSQL refuses the first, and the second is not text at all. */
const INVALID_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper inputs are refused rather than walked: no input of ours nests anywhere near this. */
export const MAX_INPUT_DEPTH = 64;

export type InvalidText = {
  path: string;
  problem: "NUL character" | "unpaired UTF-16 surrogate" | `nested more than ${typeof MAX_INPUT_DEPTH} levels deep`;
};

function problemOf(text: string): InvalidText["problem"] | null {
  const match = INVALID_TEXT.exec(text);
  if (!match) return null;
  return match[0] === "\u0000" ? "NUL character" : "unpaired UTF-16 surrogate";
}

const join = (path: string, key: string | number) => (path === "" ? String(key) : `${path}.${key}`);

/**
 * The first string in `value` (keys included, depth-first) holding a NUL or an unpaired surrogate, with its path
 * ("tags.owner", "metrics.3.key"); null when every string is clean. Walks plain JSON-like data only.
 */
export function findInvalidText(value: unknown, path = "", depth = 0): InvalidText | null {
  if (depth > MAX_INPUT_DEPTH) return { path, problem: `nested more than ${MAX_INPUT_DEPTH} levels deep` };
  if (typeof value === "string") {
    const problem = problemOf(value);
    return problem ? { path, problem } : null;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findInvalidText(item, join(path, index), depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = problemOf(key);
      if (keyProblem) return { path: join(path, key.replace(INVALID_TEXT, "?")), problem: keyProblem };
      const found = findInvalidText(item, join(path, key), depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** The stable answer to a NUL or lone surrogate anywhere in an input: 400 with details.code INVALID_TEXT. */
export function assertValidText(value: unknown, where: string): void {
  const found = findInvalidText(value);
  if (!found) return;
  const at = found.path === "" ? where : `${where} at "${found.path}"`;
  const tooDeep = found.problem.startsWith("nested");
  throw new AppError("BAD_REQUEST", `${tooDeep ? "Invalid input" : "Invalid text"} in ${at}: ${found.problem}`, {
    code: tooDeep ? "TOO_DEEP" : "INVALID_TEXT",
    path: found.path,
  });
}
