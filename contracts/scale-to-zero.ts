import { z } from "zod";

/** The longest idle time an endpoint may be given before it scales to zero: a week, in minutes. */
export const MAX_IDLE_MINUTES = 7 * 24 * 60;

/**
 * An endpoint of the local runtime scales to zero after `idleMinutes` without a request (its models unloaded, it costs
 * nothing, its next request wakes it with 503 + Retry-After meanwhile); null keeps it always on.
 */
export const scaleToZeroInput = z.object({
  endpointId: z.string().min(1),
  idleMinutes: z
    .number()
    .int("A whole number of minutes")
    .min(1, "At least 1 minute")
    .max(MAX_IDLE_MINUTES, `At most ${MAX_IDLE_MINUTES.toLocaleString("en-US")} minutes (a week)`)
    .nullable(),
});
export type ScaleToZeroInput = z.infer<typeof scaleToZeroInput>;
