import { z } from "zod";
import { entityIdSchema, featureGroupNameSchema, storedFeatureValuesSchema } from "@/contracts/online-features";

const featureName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    "Feature names are letters, digits and '_' (at most 64), not starting with a digit",
  );

export const createFeatureGroupInput = z.object({
  name: featureGroupNameSchema,
  description: z.string().max(2000).default(""),
  /** What an entity's id is called in requests, e.g. "card_id". */
  entityKey: featureName,
  features: z
    .array(featureName)
    .min(1)
    .max(200)
    .refine((names) => new Set(names).size === names.length, "A feature is listed twice"),
  /** The owning team; the caller's own when absent. */
  team: z.string().min(1).max(200).optional(),
});

/** The most entities one write may carry. */
export const MAX_ENTITIES_PER_WRITE = 10_000;

export const writeFeatureValuesInput = z.object({
  group: featureGroupNameSchema,
  entities: z
    .array(z.object({ id: entityIdSchema, values: storedFeatureValuesSchema }))
    .min(1)
    .max(MAX_ENTITIES_PER_WRITE)
    .refine((entities) => new Set(entities.map((e) => e.id)).size === entities.length, "An entity id appears twice"),
});

export const featureGroupNameInput = z.object({ group: featureGroupNameSchema });
export const entityInput = z.object({ group: featureGroupNameSchema, entityId: entityIdSchema });

export const featureGroupView = z.object({
  name: z.string(),
  team: z.string(),
  teamId: z.string(),
  description: z.string(),
  entityKey: z.string(),
  features: z.array(z.string()),
  entities: z.number().int(),
  /** Entities whose latest values are not in Redis yet (the sync job mirrors them). */
  pendingMirror: z.number().int(),
  createdAt: z.date(),
});
export type FeatureGroupView = z.infer<typeof featureGroupView>;

export const featureGroupListOutput = z.object({ groups: z.array(featureGroupView) });

export const writeFeatureValuesOutput = z.object({
  written: z.number().int(),
  /** "mirrored": Redis has the new values; "pending": Redis could not take them now, the sync job will. */
  hotPath: z.enum(["mirrored", "pending"]),
});
export type WriteFeatureValuesOutput = z.infer<typeof writeFeatureValuesOutput>;

export const entityValuesView = z.object({
  group: z.string(),
  entityId: z.string(),
  values: z.record(z.string(), z.number()),
  version: z.string(),
  updatedAt: z.date(),
  mirrored: z.boolean(),
});
