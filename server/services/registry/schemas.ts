import { z } from "zod";
import { modelFormatSchema, runStatusSchema, taskTypeSchema } from "@/contracts/enums";
import {
  aliasNameSchema,
  descriptionSchema,
  MODEL_SORTS,
  removeAliasInput,
  setAliasInput,
  SORT_ORDERS,
  outcomeSettingsInput,
  labelDelayInput,
  updateModelInput,
  versionNumberSchema,
} from "@/contracts/registry";
import { signatureSchema } from "@/contracts/signature";
import { servingSlaSchema, setVersionSlaInput } from "@/contracts/serving-modes";
import { MAX_PAGE } from "@/contracts/limits";

/** For looking a model up: any name that is not a valid one simply does not exist. */
export const modelRefSchema = z.string().min(1).max(200);

export const listModelsInput = z
  .object({
    search: z.string().trim().max(200).optional(),
    tag: z.string().trim().toLowerCase().max(40).optional(),
    team: z.string().trim().max(200).optional(),
    taskType: taskTypeSchema.optional(),
    sort: z.enum(MODEL_SORTS).default("updatedAt"),
    order: z.enum(SORT_ORDERS).default("desc"),
    page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z
      .string()
      .max(1_000)
      .optional()
      .meta({ description: "A previous page's nextCursor: the page after it, read from an index at any depth" }),
  })
  .refine((input) => input.cursor === undefined || input.page === 1, {
    message: "Pass a page number or a cursor, not both",
    path: ["cursor"],
  });

export const registerVersionInput = z.object({
  runId: z.string().trim().min(1).max(100),
  artifactPath: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .meta({
      description:
        "The run's artifact the version serves, checked against `format` before anything is written (422 when it does " +
        "not pass): ONNX — a model onnxruntime loads; VLLM — a tar archive (.tar, .tar.gz or .tgz) of a Hugging Face " +
        "model directory with config.json at its root naming `architectures` or `model_type`; CONTAINER — a " +
        "gzip-compressed tar archive named *.tar.gz (SageMaker's model.tar.gz) holding at least one file",
    }),
  format: modelFormatSchema.meta({
    description:
      "Decides how the artifact is checked (see artifactPath) and whether `signature` is needed. ONNX: optional — " +
      "read from the graph when left out; when given it must name every graph input and only inputs and outputs the " +
      "graph has, with the same element types and shapes that fit (422 naming each mismatch), and a tensor given " +
      "without a shape takes the graph's. VLLM: optional, stored as given (vLLM's OpenAI-compatible API is the " +
      "interface). CONTAINER: required (400 without one)",
  }),
  signature: signatureSchema.optional(),
  description: descriptionSchema.optional(),
  sla: servingSlaSchema.optional().meta({
    description:
      "What the version needs of the endpoint that serves it (largest payload in bytes, processing timeout in seconds, " +
      "p99 latency in ms); promotions check it against their serving mode's limits (422 when it does not fit)",
  }),
  referenceSamplePath: z.string().trim().min(1).max(1000).optional().meta({
    description:
      "CSV artifact of the run (header row, one row per training example) the drift reference profile is computed from; defaults to training-sample.csv when the run has it",
  }),
});

const MAX_INT8 = 9_223_372_036_854_775_807n;

/** How many versions the model itself carries; the rest are read page by page. */
export const VERSIONS_ON_MODEL_PAGE = 50;

export const aliasHistoryPageInput = z.object({
  alias: z.string().max(40).optional(),
  cursor: z
    .string()
    .refine((id) => /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_INT8, "Not a cursor of this list")
    .nullish()
    .meta({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const versionPageInput = z.object({
  cursor: versionNumberSchema
    .nullish()
    .meta({ description: "Versions numbered below this (nextCursor of the previous page)" }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

// The tRPC procedures' inputs: a model (and version or alias) by name, with the body of the change.
export const modelRefInput = z.object({ name: modelRefSchema });
export const aliasRefInput = modelRefInput.extend({ alias: z.string().min(1).max(40) });
export const versionRefInput = modelRefInput.extend({ version: versionNumberSchema });
export const modelAliasHistoryInput = modelRefInput.extend(aliasHistoryPageInput.shape);
export const modelVersionPageInput = modelRefInput.extend(versionPageInput.shape);
export const versionAtInput = aliasRefInput.extend({ at: z.date() });
export const updateModelProcedureInput = modelRefInput.extend({ changes: updateModelInput });
export const labelDelayProcedureInput = modelRefInput.extend({ changes: labelDelayInput });
export const labelDelayOutput = z.object({ model: z.string(), labelDelayMinutes: z.number().int() });
export const outcomeSettingsProcedureInput = modelRefInput.extend({ changes: outcomeSettingsInput });
export const registerVersionProcedureInput = modelRefInput.extend({ version: registerVersionInput });
export const setAliasProcedureInput = aliasRefInput.extend({ alias: aliasNameSchema, ...setAliasInput.shape });
export const removeAliasProcedureInput = aliasRefInput.extend(removeAliasInput.shape);
export const setVersionSlaProcedureInput = versionRefInput.extend(setVersionSlaInput.shape);

// Outputs: the response shapes of the registry tRPC procedures and REST API; they also document it in /api/v1/openapi.json.

const personOutput = z.object({ id: z.string(), name: z.string() }).meta({ id: "RegistryPerson" });

export const modelSummaryOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    team: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    latestVersion: z.number().int().nullable().meta({ description: "Null until a version is registered" }),
    versionCount: z.number().int(),
    aliases: z.array(z.object({ alias: z.string(), version: z.number().int() })),
    isDemo: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: "ModelSummary" });

export const modelListOutput = z
  .object({
    items: z.array(modelSummaryOutput),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "ModelList" });

export const createdModelOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    team: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    description: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: "CreatedModel" });

const outcomeOutput = z
  .object({
    classes: z.array(z.string()).meta({ description: "In order; a binary classifier's positive class is the last" }),
    decisionThreshold: z.number().meta({ description: "A probability at or above it predicts the positive class" }),
  })
  .meta({ id: "ModelOutcomeSettings" });

export const outcomeSettingsOutput = outcomeOutput.extend({ model: z.string() });

export const updatedModelOutput = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  updatedAt: z.date(),
});

/** The latest value of each metric series of the source run, finite numbers only. */
export const metricsSnapshotOutput = z.record(z.string(), z.number());

const versionLineageOutput = z
  .object({
    run: z
      .object({
        id: z.string(),
        name: z.string(),
        status: runStatusSchema,
        experimentId: z.string(),
        experimentName: z.string(),
      })
      .nullable(),
    artifact: z
      .object({
        id: z.string(),
        path: z.string(),
        sha256: z.string(),
        sizeBytes: z.number().int(),
        contentType: z.string(),
      })
      .nullable(),
  })
  .meta({ id: "VersionLineage", description: "The run a version came from and the artifact it serves" });

export const modelVersionOutput = z
  .object({
    id: z.string(),
    version: z.number().int(),
    format: modelFormatSchema,
    description: z.string(),
    createdAt: z.date(),
    createdBy: personOutput,
    metrics: metricsSnapshotOutput.meta({ description: "The source run's latest metric values at registration" }),
    aliases: z.array(z.string()),
    lineage: versionLineageOutput,
  })
  .meta({ id: "ModelVersion" });

export const registeredVersionOutput = modelVersionOutput
  .extend({ model: z.string() })
  .meta({ id: "RegisteredVersion" });

export const referenceProfileOutput = z
  .object({
    sampleSize: z.number().int(),
    binCount: z.number().int(),
    createdAt: z.date(),
    features: z.array(
      z.object({
        name: z.string(),
        position: z.number().int(),
        kind: z.enum(["NUMERIC", "CATEGORICAL"]),
        edges: z.array(z.number()).meta({ description: "Inner bin edges; bin i is (edges[i-1], edges[i]]" }),
        categories: z.array(z.string()).meta({ description: "Categorical bins; one more bin holds unseen values" }),
        proportions: z.array(z.number()),
      }),
    ),
  })
  .meta({
    id: "ReferenceProfile",
    description: "Frozen drift reference of a version, computed from its training sample",
  });

export const versionDetailOutput = modelVersionOutput
  .extend({
    signature: signatureSchema.nullable(),
    sla: servingSlaSchema.nullable().meta({ description: "Null when the version declares no SLA" }),
    referenceProfile: referenceProfileOutput
      .nullable()
      .meta({ description: "Null when no training sample was registered" }),
    model: z.object({
      name: z.string(),
      team: z.string(),
      taskType: taskTypeSchema,
      isDemo: z.boolean(),
      latestVersion: z.number().int(),
    }),
  })
  .meta({ id: "ModelVersionDetail" });

export const aliasEventOutput = z
  .object({
    id: z.string(),
    alias: z.string(),
    fromVersion: z.number().int().nullable().meta({ description: "Null when the alias was created" }),
    toVersion: z.number().int().nullable().meta({ description: "Null when the alias was removed" }),
    actor: personOutput,
    reason: z.string(),
    createdAt: z.date(),
  })
  .meta({ id: "AliasEvent" });

export const aliasEventListOutput = z.array(aliasEventOutput);
export const aliasEventPageOutput = z
  .object({ items: aliasEventListOutput, nextCursor: z.string().nullable() })
  .meta({ id: "AliasEventPage" });

export const modelDetailOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    taskType: taskTypeSchema,
    tags: z.array(z.string()),
    description: z.string().meta({ description: "Markdown" }),
    latestVersion: z.number().int().nullable(),
    isDemo: z.boolean(),
    createdAt: z.date(),
    updatedAt: z.date(),
    team: z.object({ id: z.string(), name: z.string() }),
    createdBy: personOutput,
    versions: z.array(modelVersionOutput).meta({
      description: `The newest ${VERSIONS_ON_MODEL_PAGE} versions, newest first: GET /models/{name}/versions pages through the rest`,
    }),
    versionCount: z.number().int(),
    keyMetrics: z.array(z.string()).meta({ description: "Metric keys most versions report, for table columns" }),
    aliases: z.array(
      z.object({
        alias: z.string(),
        version: z.number().int(),
        updatedAt: z.date(),
        updatedBy: personOutput.nullable(),
      }),
    ),
    aliasHistory: aliasEventListOutput.meta({ description: "The latest 100 alias moves, newest first" }),
    outcome: outcomeOutput.nullable().meta({ description: "Classifiers only: how predictions map onto classes" }),
    labelDelayMinutes: z.number().int().meta({ description: "How long ground truth takes to arrive, in minutes" }),
  })
  .meta({ id: "ModelDetail" });

export const aliasSetOutput = z
  .object({ model: z.string(), alias: z.string(), version: z.number().int(), event: aliasEventOutput })
  .meta({ id: "AliasSet" });

export const aliasRemovedOutput = z
  .object({ model: z.string(), alias: z.string(), previousVersion: z.number().int(), event: aliasEventOutput })
  .meta({ id: "AliasRemoved" });

export const protectedAliasListOutput = z.array(z.object({ alias: z.string(), builtIn: z.boolean() }));

export const aliasProtectionOutput = z.object({ alias: z.string(), protected: z.boolean(), changed: z.boolean() });

export const versionAtOutput = z.object({
  alias: z.string(),
  at: z.date(),
  version: z.number().int().nullable(),
  event: aliasEventOutput.nullable(),
});

export const aliasTimelineOutput = z
  .object({
    model: z.string(),
    alias: z.string(),
    events: aliasEventListOutput.meta({ description: "The latest 200 moves, newest first" }),
    versionAt: versionAtOutput
      .nullable()
      .meta({ description: "Present when ?at= was given: the version the alias pointed at then (null: none)" }),
  })
  .meta({ id: "AliasHistory" });

export const teamOptionListOutput = z.array(z.object({ id: z.string(), name: z.string() }));

export const tagCountListOutput = z.array(z.object({ tag: z.string(), count: z.number().int() }));

export type AliasEvent = z.infer<typeof aliasEventOutput>;
export type VersionView = z.infer<typeof modelVersionOutput>;
export const versionPageOutput = z
  .object({
    items: z.array(modelVersionOutput).meta({ description: "Newest first" }),
    nextCursor: z.number().int().nullable().meta({ description: "Null on the last page" }),
  })
  .meta({ id: "ModelVersionPage" });

export const versionSlaOutput = z
  .object({ model: z.string(), version: z.number().int(), sla: servingSlaSchema.nullable() })
  .meta({ id: "VersionSla" });
export type VersionSlaOutput = z.infer<typeof versionSlaOutput>;
