import { createHash } from "node:crypto";

/** SageMaker resource names: letters, digits and dashes, at most 63 characters, starting and ending alphanumeric. */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const MAX_NAME_LENGTH = 63;
const PREFIX_LENGTH = 36;
const HASH_LENGTH = 12;

/** Tag keys that mark what Modelport created, so deletes and rollback checks never touch anything else. */
export const TAG_ENDPOINT = "modelport:endpoint";
export const TAG_VARIANT = "modelport:variant";
export const TAG_ARTIFACT_SHA256 = "modelport:artifact-sha256";
/** On a transform job: the Modelport batch job it runs. */
export const TAG_BATCH_JOB = "modelport:batch-job";
/** On the endpoint: the endpoint config Modelport last asked it to run, to tell a rolled-back update from a success. */
export const TAG_EXPECTED_CONFIG = "modelport:expected-endpoint-config";
/**
 * On the endpoint: the config it served, InService, before Modelport's latest update — what to restore when SageMaker
 * can neither finish that update nor roll it back (UpdateRollbackFailed), where DescribeEndpoint names no config that
 * is known to work.
 */
export const TAG_PREVIOUS_CONFIG = "modelport:previous-endpoint-config";

/** On an asynchronous endpoint's config: the backlog scaling (JSON) Application Auto Scaling applies while it serves. */
export const TAG_ASYNC_SCALING = "modelport:async-scaling";

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

const trimDashes = (text: string) => text.replace(/^-+|-+$/g, "");

/** The endpoint's share of every name, short enough to leave room for a variant and a hash; long names keep a hash. */
export function resourcePrefix(endpointName: string): string {
  if (endpointName.length <= PREFIX_LENGTH) return endpointName;
  const digest = createHash("sha256").update(endpointName).digest("hex").slice(0, 8);
  return `${trimDashes(endpointName.slice(0, PREFIX_LENGTH - 9))}-${digest}`;
}

/** Same endpoint, variant and model definition → same name, so a retried CreateModel finds its own model. */
export function modelResourceName(endpointName: string, variantName: string, definitionHash: string): string {
  const prefix = resourcePrefix(endpointName);
  const room = MAX_NAME_LENGTH - prefix.length - HASH_LENGTH - 2;
  return `${prefix}-${trimDashes(variantName.slice(0, room))}-${definitionHash.slice(0, HASH_LENGTH)}`;
}

export function endpointConfigResourceName(endpointName: string, variantsHash: string): string {
  return `${resourcePrefix(endpointName)}-cfg-${variantsHash.slice(0, HASH_LENGTH)}`;
}
