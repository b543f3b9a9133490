import { z } from "zod";

/**
 * How an endpoint answers: REALTIME within the request (POST …/invocations), ASYNC later (POST …/invocations-async,
 * the answer fetched or sent to a webhook). A promotion picks one of the modes its target offers.
 */
export const SERVING_MODES = ["REALTIME", "ASYNC"] as const;
export const servingModeSchema = z.enum(SERVING_MODES);
export type ServingMode = z.infer<typeof servingModeSchema>;

export const SERVING_MODE_LABELS: Record<ServingMode, string> = { REALTIME: "Real time", ASYNC: "Asynchronous" };

/** The largest payload a version may declare (10 GiB): far beyond every mode, so any real need can be said. */
export const MAX_DECLARED_PAYLOAD_BYTES = 10 * 1024 ** 3;

/**
 * What a version needs of the endpoint that serves it, declared by its data scientists: the largest request payload,
 * how long one request may take to process, and the p99 latency its callers wait for an answer. Each is optional;
 * a promotion checks what is declared against the limits of the mode it picks.
 */
export const servingSlaSchema = z
  .object({
    maxPayloadBytes: z
      .number()
      .int()
      .min(1, "A payload is at least 1 byte")
      .max(MAX_DECLARED_PAYLOAD_BYTES, "Payloads over 10 GiB fit no mode")
      .optional(),
    timeoutSeconds: z
      .number()
      .int("Whole seconds")
      .min(1, "At least 1 second")
      .max(86_400, "At most a day (86,400 s)")
      .optional(),
    latencyP99Ms: z
      .number()
      .int("Whole milliseconds")
      .min(1, "At least 1 ms")
      .max(3_600_000, "At most an hour (3,600,000 ms)")
      .optional(),
  })
  .strict();
export type ServingSla = z.infer<typeof servingSlaSchema>;

/** Declares a version's SLA, or clears it (null). */
export const setVersionSlaInput = z.object({ sla: servingSlaSchema.nullable() });

/** One mode's limits on one target; null = that target imposes no limit of that kind. */
export type ModeLimits = {
  maxPayloadBytes: number | null;
  maxTimeoutSeconds: number | null;
  /** Whether the caller gets the answer within its request (a latency SLA needs it). */
  answersInRequest: boolean;
};
