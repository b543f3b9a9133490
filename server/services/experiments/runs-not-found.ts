import { AppError } from "@/server/errors";

/** The 404 for run ids that name no run, listing the first five. */
export function runsNotFound(missing: string[]): AppError {
  const shown = missing.slice(0, 5).join(", ");
  return new AppError(
    "NOT_FOUND",
    `Run${missing.length > 1 ? "s" : ""} not found: ${shown}${missing.length > 5 ? ", …" : ""}`,
  );
}
