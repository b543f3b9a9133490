import { z } from "zod";

/**
 * The ONNX metadata_props key under which the exporter stores what exact explanations need and an ONNX graph does not
 * carry: the training cover of every tree node, or the training means of a linear model's features.
 */
export const EXPLAIN_METADATA_KEY = "modelport.explain";

export const treeEnsembleExplainSchema = z.object({
  version: z.literal(1),
  kind: z.literal("tree-ensemble"),
  /** The ensemble's base score (TreeEnsembleRegressor base_values[0]), in the raw margin. */
  baseScore: z.number(),
  /** covers[treeId][nodeId]: how many training rows reached the node (ids as in nodes_treeids / nodes_nodeids). */
  covers: z.array(z.array(z.number().nonnegative())).min(1),
});

export const linearExplainSchema = z.object({
  version: z.literal(1),
  kind: z.literal("linear"),
  /** The training mean of each feature, in the order of the graph's inputs. */
  featureMeans: z.array(z.number()).min(1),
});

export const explainMetadataSchema = z.discriminatedUnion("kind", [treeEnsembleExplainSchema, linearExplainSchema]);
export type ExplainMetadata = z.infer<typeof explainMetadataSchema>;

export const OUTPUT_SPACES = ["log-odds", "raw"] as const;
export type OutputSpace = (typeof OUTPUT_SPACES)[number];
export const EXPLAIN_METHODS = ["tree-shap-path-dependent", "linear-shap"] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];

/** At most this many rows per explain request: exact TreeSHAP is far costlier than a prediction. */
export const MAX_EXPLAIN_ROWS = 1000;

/** POST /v1/endpoints/:name/explain. Rows are validated against the variant's signature, as for predict. */
export const explainRequestSchema = z
  .object({
    rows: z.array(z.unknown()).min(1).max(MAX_EXPLAIN_ROWS).optional(),
    row: z.unknown().optional(),
    /** Explain with this variant instead of the one a prediction would be routed to. */
    variant: z.string().min(1).max(63).optional(),
    /** Routes like a prediction with this key (the x-routing-key header does the same). */
    routingKey: z.string().max(200).optional(),
  })
  .strict()
  .refine((body) => (body.rows === undefined) !== (body.row === undefined), {
    message: 'Send either "row" or "rows" (1–1000 feature objects), not both',
  });
export type ExplainRequest = z.infer<typeof explainRequestSchema>;

/** One row's attributions: sum(attributions) + expectedValue = output, in `outputSpace`. */
export const rowExplanationSchema = z.object({
  attributions: z.record(z.string(), z.number()),
  expectedValue: z.number(),
  output: z.number(),
  outputSpace: z.enum(OUTPUT_SPACES),
  method: z.enum(EXPLAIN_METHODS),
});
export type RowExplanation = z.infer<typeof rowExplanationSchema>;

/** The runtime's answer to an explain request (the portal checks it before using it). */
export const explainResponseSchema = z.object({
  endpoint: z.string(),
  variant: z.string(),
  modelName: z.string().optional(),
  modelVersion: z.number().int().optional(),
  explanations: z.array(rowExplanationSchema),
});
export type ExplainResponse = z.infer<typeof explainResponseSchema>;
