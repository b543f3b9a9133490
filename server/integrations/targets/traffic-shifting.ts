import type { TrafficShifting } from "@/server/integrations/targets/deployment-target";

/** How each target moves traffic to a candidate (see TrafficShifting); the targets and the deployment plan read it. */
export const TRAFFIC_SHIFTING = {
  LOCAL: "stepwise",
  SAGEMAKER: "native",
  KUBERNETES: "stepwise",
} as const satisfies Record<"LOCAL" | "SAGEMAKER" | "KUBERNETES", TrafficShifting>;
