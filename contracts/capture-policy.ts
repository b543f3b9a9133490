import { z } from "zod";

/** An endpoint's capture policy: the share of predicted rows captured, and how many days captured rows are kept. */
export const capturePolicyInput = z.object({
  endpointId: z.string().min(1),
  rate: z.number().min(0, "The capture rate is at least 0 %").max(1, "The capture rate is at most 100 %"),
  retentionDays: z
    .number()
    .int("Retention is a whole number of days")
    .min(1, "Keep captured rows at least 1 day")
    .max(3650, "Keep captured rows at most 3,650 days"),
});
export type CapturePolicyInput = z.infer<typeof capturePolicyInput>;

export const DEFAULT_CAPTURE_POLICY = { rate: 1, retentionDays: 30 };
