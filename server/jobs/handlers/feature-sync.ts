import { log } from "@/server/logging/logger";
import type { SystemContext } from "@/server/services/context";
import { mirrorPendingFeatureValues } from "@/server/services/features/mirror";

export async function handleFeatureSync(_payload: Record<string, never>, context: SystemContext) {
  const mirrored = await mirrorPendingFeatureValues(context);
  if (mirrored > 0) log().info(`[worker] feature-sync: mirrored ${mirrored} entities' feature values into Redis`);
  return { mirrored };
}
