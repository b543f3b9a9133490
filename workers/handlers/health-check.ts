import type { z } from "zod";
import type { Db } from "@/server/db/client";
import type { healthCheckJob } from "@/server/jobs/health-check";

export async function handleHealthCheck(db: Db, payload: z.infer<typeof healthCheckJob.schema>) {
  const [row] = await db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  return { requestedAt: payload.requestedAt, databaseTime: row?.now.toISOString() ?? null };
}
