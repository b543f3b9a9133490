import type { SystemContext } from "@/server/services/context";
import { applyCaptureRetention } from "@/server/services/capture/retention";

export async function handleCaptureRetention(_payload: Record<string, never>, context: SystemContext) {
  return applyCaptureRetention(context);
}
