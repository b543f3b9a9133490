import { createHash } from "node:crypto";
import { z } from "zod";
import { badRequest } from "@/server/errors";
import { decodeCursor, encodeCursor } from "@/server/services/cursor-text";
import { isTimestampText } from "@/server/services/experiments/run-cursor";
import type { MODEL_SORTS } from "@/contracts/registry";

type ModelSort = (typeof MODEL_SORTS)[number];

/**
 * Where a page of models ended: its last model's sort key as PostgreSQL printed it (null when sorting by name, which
 * is the key itself) and its name, which is unique and breaks ties. `order` is a digest of the filter and ordering the
 * page belongs to: a cursor is refused under others.
 */
export type ModelCursor = { order: string; key: string | null; name: string };

const VERSION_TEXT = /^\d{1,10}$/;

/** Each key is cast to its column's type in SQL: a text PostgreSQL could not cast is refused here, not there. */
const KEY_TEXT: Record<ModelSort, (key: string | null) => boolean> = {
  name: (key) => key === null,
  updatedAt: (key) => key !== null && isTimestampText(key),
  createdAt: (key) => key !== null && isTimestampText(key),
  latestVersion: (key) => key !== null && VERSION_TEXT.test(key) && Number(key) <= 2_147_483_647,
};

// Model names are at most 200 characters of a restricted alphabet (contracts/registry.ts); PostgreSQL text never
// holds NUL.
const cursorSchema = z.object({
  order: z.string().max(64),
  key: z.string().max(40).nullable(),
  name: z
    .string()
    .min(1)
    .max(200)
    .refine((name) => !name.includes("\u0000")),
});

/** A digest of everything but the page: the filter and the ordering. */
export function modelListOrder(filter: Record<string, unknown>): string {
  const { page: _page, pageSize: _pageSize, cursor: _cursor, ...order } = filter;
  return createHash("sha256").update(JSON.stringify(order)).digest("base64url").slice(0, 22);
}

export function encodeModelCursor(cursor: ModelCursor): string {
  return encodeCursor(cursor);
}

const invalid = () => badRequest("The page cursor is not valid: list the models again from the first page");

/** Reads a cursor made for this filter and ordering; anything edited, truncated or made for another is a 400. */
export function parseModelCursor(text: string, order: string, sort: ModelSort): ModelCursor {
  const parsed = cursorSchema.safeParse(decodeCursor(text));
  if (!parsed.success) throw invalid();
  if (parsed.data.order !== order) {
    throw badRequest("The search, filters or sort changed since this page cursor was made: list the models again");
  }
  if (!KEY_TEXT[sort](parsed.data.key)) throw invalid();
  return parsed.data;
}
