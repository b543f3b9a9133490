import { z } from "zod";
import { decisionThresholdSchema, outcomeClassesSchema } from "@/contracts/outcomes";
import { taskTypeSchema } from "@/contracts/enums";
import { MAX_INT4 } from "@/contracts/limits";

/** URL-safe, so a model name can be used in paths and CLI arguments as is. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
/** `latest` always means the newest version, so nobody may pin it. */
export const RESERVED_ALIASES = ["latest"] as const;
export const MAX_TAGS = 20;
export const MODEL_SORTS = ["name", "updatedAt", "createdAt", "latestVersion"] as const;
export const SORT_ORDERS = ["asc", "desc"] as const;

export const modelNameSchema = z
  .string()
  .regex(
    MODEL_NAME_PATTERN,
    "Model names start with a letter or digit and use only letters, digits, '.', '_' and '-' (at most 128 characters)",
  );

export const aliasNameSchema = z
  .string()
  .regex(
    ALIAS_PATTERN,
    "Aliases start with a lower-case letter and use only a-z, 0-9, '_' and '-' (at most 40 characters)",
  )
  .refine((alias) => !(RESERVED_ALIASES as readonly string[]).includes(alias), {
    message: "`latest` is reserved: it always means the newest version",
  });

const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.:/-]{0,39}$/, "Tags use a-z, 0-9, '_', '.', ':', '/' and '-' (at most 40 characters)");

export const tagsSchema = z
  .array(tagSchema)
  .max(100)
  .transform((tags) => [...new Set(tags)])
  .refine((tags) => tags.length <= MAX_TAGS, { message: `At most ${MAX_TAGS} distinct tags` });

export const descriptionSchema = z.string().max(20_000, "Descriptions are at most 20,000 characters");
export const reasonSchema = z.string().trim().min(1, "Give a reason").max(500, "Reasons are at most 500 characters");
/** A version number, as a number or (in paths and forms) decimal digits: not "0x10", "1e3", [1] or true. */
export const versionNumberSchema = z
  .union([z.number(), z.string().regex(/^\s*\d+\s*$/, "Versions are whole numbers")])
  .transform(Number)
  .pipe(
    z
      .number()
      .int("Versions are whole numbers")
      .min(1, "Versions are numbered from 1")
      .max(MAX_INT4, `Versions are at most ${MAX_INT4}`),
  );

const onlyClassifiersHaveClasses = "Only classifiers have classes and a decision threshold";

export const createModelInput = z
  .object({
    name: modelNameSchema,
    team: z.string().trim().min(1).max(200).optional(),
    taskType: taskTypeSchema,
    tags: tagsSchema.optional(),
    description: descriptionSchema.optional(),
    /** Classifiers: class names in order (binary: negative first, positive last) and the positive decision threshold. */
    outcomeClasses: outcomeClassesSchema.optional(),
    decisionThreshold: decisionThresholdSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if (input.taskType === "CLASSIFICATION") return;
    for (const field of ["outcomeClasses", "decisionThreshold"] as const) {
      if (input[field] !== undefined)
        ctx.addIssue({ code: "custom", path: [field], message: onlyClassifiersHaveClasses });
    }
  });

/** A classifier's classes and decision threshold (contracts/outcomes.ts says how predictions map onto them). */
export const outcomeSettingsInput = z
  .object({ outcomeClasses: outcomeClassesSchema.optional(), decisionThreshold: decisionThresholdSchema.optional() })
  .refine((input) => input.outcomeClasses !== undefined || input.decisionThreshold !== undefined, {
    message: "Change the classes, the decision threshold or both",
  });

/**
 * How long after a prediction its ground truth normally arrives (a chargeback's days, a delivery's hour), in minutes:
 * A/B tests compare arms only on predictions older than this, so outcomes had time to arrive for both.
 */
export const labelDelayInput = z.object({
  labelDelayMinutes: z
    .number()
    .int("Whole minutes")
    .min(0, "At least 0 minutes")
    .max(129_600, "At most 90 days (129,600 minutes)"),
});

export const updateModelInput = z
  .object({ description: descriptionSchema.optional(), tags: tagsSchema.optional() })
  .refine((input) => input.description !== undefined || input.tags !== undefined, {
    message: "Change the description, the tags or both",
  });

export const setAliasInput = z.object({ version: versionNumberSchema, reason: reasonSchema });

export const removeAliasInput = z.object({
  reason: z.string().trim().max(500, "Reasons are at most 500 characters").optional(),
});

/** An admin marks an alias protected on every model (it then moves only through promotions and rollbacks), or not. */
export const setAliasProtectionInput = z.object({
  alias: aliasNameSchema,
  protected: z.boolean(),
  reason: reasonSchema,
});
