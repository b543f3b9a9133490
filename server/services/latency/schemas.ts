import { z } from "zod";
import { DEFAULT_LATENCY_RANGE, LATENCY_RANGE_KEYS } from "@/contracts/latency-ranges";

export const latencyInput = z.object({
  range: z.enum(LATENCY_RANGE_KEYS).default(DEFAULT_LATENCY_RANGE),
  endpoint: z.string().trim().min(1).max(200).optional(),
  /** The end of the range; now when omitted. */
  at: z.date().optional(),
});

export type LatencyInput = z.input<typeof latencyInput>;
