import { z } from "zod";

export const listGoldenSetsInput = z.object({ modelName: z.string().min(1).max(200) });

export const goldenSetView = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  contentHash: z.string(),
  rowCount: z.number().int(),
  source: z.enum(["CSV", "LABELS"]),
  sourceName: z.string(),
  description: z.string(),
  createdAt: z.date(),
  /** Golden rows also found in the training sample of the version they were checked against; null when none was found. */
  overlap: z
    .object({
      versionId: z.string(),
      sampleRows: z.number().int(),
      count: z.number().int(),
      share: z.number(),
      warn: z.boolean(),
    })
    .nullable(),
});

export const goldenSetsOutput = z.array(goldenSetView);
export type GoldenSetView = z.infer<typeof goldenSetView>;

/** How many accepted labels a freeze would take (per stratum), and the model's queues to pick from. */
export const acceptedLabelsOutput = z.object({
  total: z.number().int(),
  byStratum: z.array(z.object({ stratum: z.string(), count: z.number().int() })),
  queues: z.array(z.object({ id: z.string(), name: z.string() })),
});
