import { z } from "zod";

/** A golden set's overlap with the training sample, as the REST API answers it and the CLI prints it. */
export const overlap = z.object({ count: z.number(), share: z.number(), warn: z.boolean() }).nullable();

export const overlapText = (o: z.infer<typeof overlap>): string =>
  o === null ? "no training sample" : `${o.count} (${(o.share * 100).toFixed(1)}%)${o.warn ? " WARN" : ""}`;
