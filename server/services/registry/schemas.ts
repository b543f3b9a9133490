import { z } from "zod";
import { modelFormatSchema, taskTypeSchema } from "@/contracts/enums";
import {
  descriptionSchema,
  MODEL_SORTS,
  removeAliasInput,
  setAliasInput,
  SORT_ORDERS,
  updateModelInput,
  versionNumberSchema,
} from "@/contracts/registry";
import { signatureSchema } from "@/contracts/signature";

/** For looking a model up: any name that is not a valid one simply does not exist. */
export const modelRefSchema = z.string().min(1).max(200);

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
