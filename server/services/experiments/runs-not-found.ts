import { AppError } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";

/** The 404 for run ids that name no run, listing the first five. */
export function runsNotFound(missing: string[]): AppError {
  const shown = missing.slice(0, 5).join(", ");
  return new AppError(
    "NOT_FOUND",
    `Run${missing.length > 1 ? "s" : ""} not found: ${shown}${missing.length > 5 ? ", …" : ""}`,
  );
}

/** Refuses (404, naming them) run ids that name no run. */
export async function assertRunsExist(ctx: ReadContext, runIds: string[]) {
  const found = await ctx.db.run.findMany({ where: { id: { in: runIds } }, select: { id: true } });
  if (found.length === runIds.length) return;
  const present = new Set(found.map((run) => run.id));
  throw runsNotFound(runIds.filter((id) => !present.has(id)));
}
