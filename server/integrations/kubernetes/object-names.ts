import { createHash } from "node:crypto";

const MAX_LENGTH = 63;
const HASH_LENGTH = 8;
/** Lower-case alphanumerics in runs joined by single dashes: no leading, trailing or doubled '-'. */
const CLEAN_PART = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HASHED_ENDING = new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`);

function shortHash(parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, HASH_LENGTH);
}

function readableName(parts: string[]): string | undefined {
  if (!parts.every((part) => CLEAN_PART.test(part))) return undefined;
  const name = parts.join("--");
  if (name.length > MAX_LENGTH || !/^[a-z]/.test(name) || HASHED_ENDING.test(name)) return undefined;
  return name;
}

function hashedName(parts: string[]): string {
  let stem = parts
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(stem)) stem = stem ? `mp-${stem}` : "mp";
  stem = stem.slice(0, MAX_LENGTH - HASH_LENGTH - 1).replace(/-+$/, "");
  return `${stem}-${shortHash(parts)}`;
}

/**
 * A Kubernetes name (and label value) for a tuple of Modelport names: an RFC 1035 label, so valid for every kind
 * including Services — lower-case alphanumerics and '-', starting with a letter, at most 63 characters.
 *
 * When every part is already clean the name is readable, the parts joined by "--" (e.g. `fraud-staging--fraud-v7`).
 * Otherwise (too long, upper case, other characters, doubled dashes, a leading digit) it is a cleaned prefix plus the
 * first 8 hex digits of sha256("<part>/<part>"). The two forms never meet: a readable name of two or more parts holds
 * exactly one "--" and a hashed one none, and a readable name never ends the way a hashed one does; so distinct
 * tuples get distinct names, short of a 32-bit hash collision between tuples whose cleaned prefixes also agree.
 */
export function kubernetesName(...parts: [string, ...string[]]): string {
  return readableName(parts) ?? hashedName(parts);
}

/** Deployment, Service and autoscaler of one variant on one endpoint (staging and production never share them). */
export function variantObjectName(endpointName: string, variantName: string): string {
  return kubernetesName(endpointName, variantName);
}

/** The endpoint's HTTPRoute, and the value of its endpoint label. */
export function endpointObjectName(endpointName: string): string {
  return kubernetesName(endpointName);
}
