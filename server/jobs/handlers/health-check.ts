import type { z } from "zod";
import type { healthCheckPayload } from "@/server/jobs/health-check";
import type { SystemContext } from "@/server/services/context";

export async function handleHealthCheck(payload: z.infer<typeof healthCheckPayload>, context: SystemContext) {
  const [row] = await context.db.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
  return { requestedAt: payload.requestedAt, databaseTime: row?.now.toISOString() ?? null };
}
