import { z } from "zod";
import { ModelFormat, TaskType } from "@/server/db/generated/enums";

/** URL-safe, so a model name can be used in paths and CLI arguments as is. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ALIAS_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
/** `latest` always means the newest version, so nobody may pin it. */
export const RESERVED_ALIASES = ["latest"] as const;
export const MAX_TAGS = 20;
export const MODEL_SORTS = ["name", "updatedAt", "createdAt", "latestVersion"] as const;
export const SORT_ORDERS = ["asc", "desc"] as const;
export const TASK_TYPES = Object.values(TaskType);
export const MODEL_FORMATS = Object.values(ModelFormat);

export const modelNameSchema = z
  .string()
  .regex(
    MODEL_NAME_PATTERN,
    "Model names start with a letter or digit and use only letters, digits, '.', '_' and '-' (at most 128 characters)",
  );

/** For looking a model up: any name that is not a valid one simply does not exist. */
export const modelRefSchema = z.string().min(1).max(200);

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
export const versionNumberSchema = z.coerce.number().int().min(1, "Versions are numbered from 1");

export const taskTypeSchema = z.enum(TASK_TYPES);
export const modelFormatSchema = z.enum(MODEL_FORMATS);

const tensorSpecSchema = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.enum(["float32", "float64", "int64", "string", "bool"]),
  shape: z.array(z.number().int().min(-1).nullable()).max(16).optional(),
});

export const signatureSchema = z
  .object({
    inputs: z.array(tensorSpecSchema).min(1).max(1000),
    outputs: z.array(tensorSpecSchema).min(1).max(1000),
  })
  .meta({ id: "ModelSignature", description: "Named, typed inputs and outputs; a null or -1 dimension is variable" });

export type Signature = z.infer<typeof signatureSchema>;

export const createModelInput = z.object({
  name: modelNameSchema,
  team: z.string().trim().min(1).max(200).optional(),
  taskType: taskTypeSchema,
  tags: tagsSchema.optional(),
  description: descriptionSchema.optional(),
});

export const updateModelInput = z
  .object({ description: descriptionSchema.optional(), tags: tagsSchema.optional() })
  .refine((input) => input.description !== undefined || input.tags !== undefined, {
    message: "Change the description, the tags or both",
  });

export const listModelsInput = z.object({
  search: z.string().trim().max(200).optional(),
  tag: z.string().trim().toLowerCase().max(40).optional(),
  team: z.string().trim().max(200).optional(),
  taskType: taskTypeSchema.optional(),
  sort: z.enum(MODEL_SORTS).default("updatedAt"),
  order: z.enum(SORT_ORDERS).default("desc"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const registerVersionInput = z.object({
  runId: z.string().trim().min(1).max(100),
  artifactPath: z.string().trim().min(1).max(1000).optional(),
  format: modelFormatSchema,
  signature: signatureSchema.optional(),
  description: descriptionSchema.optional(),
  referenceSamplePath: z.string().trim().min(1).max(1000).optional().meta({
    description:
      "CSV artifact of the run (header row, one row per training example) the drift reference profile is computed from; defaults to training-sample.csv when the run has it",
  }),
});

export const setAliasInput = z.object({ version: versionNumberSchema, reason: reasonSchema });

export const removeAliasInput = z.object({
  reason: z.string().trim().max(500, "Reasons are at most 500 characters").optional(),
});

export const aliasHistoryInput = z.object({
  alias: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

// The tRPC procedures' inputs: a model (and version or alias) by name, with the body of the change.
export const modelRefInput = z.object({ name: modelRefSchema });
export const aliasRefInput = modelRefInput.extend({ alias: z.string().min(1).max(40) });
export const versionRefInput = modelRefInput.extend({ version: versionNumberSchema });
export const modelAliasHistoryInput = modelRefInput.extend(aliasHistoryInput.shape);
export const versionAtInput = aliasRefInput.extend({ at: z.date() });
export const updateModelProcedureInput = modelRefInput.extend({ changes: updateModelInput });
export const registerVersionProcedureInput = modelRefInput.extend({ version: registerVersionInput });
export const setAliasProcedureInput = aliasRefInput.extend(setAliasInput.shape);
export const removeAliasProcedureInput = aliasRefInput.extend(removeAliasInput.shape);
