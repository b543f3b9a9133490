import { Prisma, type RunStatus } from "@/server/db/generated/client";
import { AppError, notFound } from "@/server/errors";

type LockedRun = { id: string; status: RunStatus; startTime: Date };

/** Locks a run row for the rest of the transaction, so logging and finishing a run never interleave. */
export async function lockRun(tx: Prisma.TransactionClient, runId: string): Promise<LockedRun> {
  const [run] = await tx.$queryRaw<LockedRun[]>(
    Prisma.sql`SELECT "id", "status", "startTime" FROM "Run" WHERE "id" = ${runId} FOR UPDATE`,
  );
  if (!run) throw notFound("Run");
  return run;
}

/** Params, metrics and tags can only be logged while a run is RUNNING (as in MLflow). */
export function assertRunning(run: LockedRun) {
  if (run.status !== "RUNNING") {
    throw new AppError("CONFLICT", `Run ${run.id} is ${run.status}; only RUNNING runs accept params, metrics and tags`);
  }
}
