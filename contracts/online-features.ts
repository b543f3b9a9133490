import { z } from "zod";

/**
 * Online features (the fraud pipeline's design): an endpoint may look up features stored per entity (a card, a
 * customer) and compute others from the request before the model sees the row; when the model fails, a declared
 * rule-based fallback answers instead. The portal stores feature values in PostgreSQL (the truth, the cold path) and
 * mirrors them into Redis (the hot path); the runtime reads Redis first and PostgreSQL when Redis is slow or down.
 */

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "Names are letters, digits and '_' (at most 64), not starting with a digit");

export const featureGroupNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Feature group names use lower-case letters, digits and '-' (at most 63)");

/** An entity's id as a caller sends it (e.g. a card id). */
export const entityIdSchema = z.string().min(1).max(200);

/**
 * Where one deployment's hot features live in Redis (FEATURE_KEY_PREFIX for the portal, RUNTIME_FEATURE_KEY_PREFIX for
 * the runtime: the same), so two deployments (or test databases) can share one Redis.
 */
export const DEFAULT_FEATURE_KEY_PREFIX = "modelport-features";
/** No ':' in a prefix: a deployment's keys (`<prefix>:…`) never match another deployment's prefix. */
export const featureKeyPrefixSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "letters, digits, '_', '.', '-'");

/**
 * The Redis key of one entity's stored features. Its value is JSON: `{ "version": "<n>", "values": { name: number } }`,
 * `version` being the PostgreSQL row's (a decimal string): a mirror write replaces only an older version.
 */
export const hotFeatureKey = (prefix: string, group: string, entityId: string) => `${prefix}:${group}:${entityId}`;

/**
 * The cold path's table (Prisma model FeatureValue): the runtime reads it with plain SQL, so its name and columns are
 * part of this contract.
 */
export const COLD_FEATURE_TABLE = {
  table: "feature_values",
  group: "feature_group",
  entity: "entity_id",
  values: "values",
};

export const storedFeatureValuesSchema = z.record(identifier, z.number().finite());
export type StoredFeatureValues = z.infer<typeof storedFeatureValuesSchema>;

/**
 * Request features: the same functions compute them for training samples (training/) and for served rows (runtime/),
 * from fields of the request (lib/features/request-features.ts).
 */
export const REQUEST_TRANSFORMS = {
  /** The UTC hour (0–23) of an ISO-8601 timestamp or epoch milliseconds. */
  utc_hour: 1,
  /** ln(1 + x) of a number ≥ 0. */
  log1p: 1,
  /** The great-circle distance in km between (lat1, lon1) and (lat2, lon2), in degrees. */
  haversine_km: 4,
  /** 1 when the two fields differ, else 0 (e.g. a foreign card: country ≠ home country). */
  differs: 2,
} as const;
export type RequestTransform = keyof typeof REQUEST_TRANSFORMS;

const requestFeatureSchema = z
  .object({
    name: identifier,
    transform: z.enum(Object.keys(REQUEST_TRANSFORMS) as [RequestTransform, ...RequestTransform[]]),
    from: z.array(identifier).min(1).max(4),
  })
  .superRefine((feature, ctx) => {
    const arity = REQUEST_TRANSFORMS[feature.transform];
    if (feature.from.length !== arity)
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: `${feature.transform} takes ${arity} field(s); got ${feature.from.length}`,
      });
  });
export type RequestFeature = z.infer<typeof requestFeatureSchema>;

export const featureLookupSchema = z
  .object({
    featureGroup: featureGroupNameSchema,
    /** The request field holding the entity's id (e.g. "card_id"). */
    entityKey: identifier,
    /** The group's features this endpoint reads into each row (by name). */
    storedFeatures: z.array(identifier).min(1).max(200),
    requestFeatures: z.array(requestFeatureSchema).max(50).default([]),
  })
  .superRefine((lookup, ctx) => {
    const names = [...lookup.storedFeatures, ...lookup.requestFeatures.map((f) => f.name)];
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate) ctx.addIssue({ code: "custom", message: `Feature "${duplicate}" is declared twice` });
    lookup.requestFeatures.forEach((feature, i) => {
      const stored = feature.from.find((field) => lookup.storedFeatures.includes(field));
      if (stored)
        ctx.addIssue({
          code: "custom",
          path: ["requestFeatures", i, "from"],
          message: `"${feature.name}" cannot be computed from "${stored}": the store gives that feature, a request's value for it is never used`,
        });
    });
  });
export type FeatureLookup = z.infer<typeof featureLookupSchema>;

const COMPARISONS = [">", ">=", "<", "<=", "==", "!="] as const;
export type Comparison = (typeof COMPARISONS)[number];

const outputValueSchema = z.union([z.number().finite(), z.string().max(200), z.boolean()]);
const fallbackOutputsSchema = z.record(identifier, outputValueSchema).refine((o) => Object.keys(o).length > 0, {
  message: "A fallback answer names at least one output",
});

export const fallbackRuleSchema = z.object({
  /** Every condition must hold; a condition on a field the row lacks (or that is not a number) does not. */
  when: z
    .array(z.object({ field: identifier, op: z.enum(COMPARISONS), value: z.number().finite() }))
    .min(1)
    .max(20),
  outputs: fallbackOutputsSchema,
});
export type FallbackRule = z.infer<typeof fallbackRuleSchema>;

/**
 * The conservative rule-based answer given when the model cannot answer (it failed, or its stored features could not
 * be read from either store): the first rule whose conditions all hold, else `otherwise`. Marked in the response
 * (`fallback`) and counted in modelport_runtime_fallback_rows_total.
 */
export const ruleFallbackSchema = z.object({
  rules: z.array(fallbackRuleSchema).max(50).default([]),
  otherwise: fallbackOutputsSchema,
});
export type RuleFallback = z.infer<typeof ruleFallbackSchema>;

/** An endpoint's online-features setting: a lookup, a fallback, or both. */
export const onlineFeaturesSchema = z
  .object({ lookup: featureLookupSchema.optional(), fallback: ruleFallbackSchema.optional() })
  .refine((o) => o.lookup !== undefined || o.fallback !== undefined, {
    message: "Declare a feature lookup, a fallback, or both",
  });
export type OnlineFeatures = z.infer<typeof onlineFeaturesSchema>;

/** Why a response (or some of its rows) came from the fallback rules rather than the model. */
export const FALLBACK_REASONS = ["model_failed", "features_unavailable"] as const;
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

/** Where a row's stored features were read: Redis, PostgreSQL, or neither (both failed). */
export const FEATURE_PATHS = ["hot", "cold", "unavailable"] as const;
export type FeaturePath = (typeof FEATURE_PATHS)[number];

/** The portal's input: an endpoint's online features, or null to remove them. */
export const setOnlineFeaturesInput = z.object({
  endpointId: z.string().min(1),
  onlineFeatures: onlineFeaturesSchema.nullable(),
});
export type SetOnlineFeaturesInput = z.infer<typeof setOnlineFeaturesInput>;
