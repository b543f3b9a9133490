/**
 * What JSON logs never show: credentials and prediction inputs. Keys are redacted wherever they sit in the first four
 * levels of a logged object; strings (messages, error texts) have credentials in URLs, bearer
 * headers and `key=value` pairs replaced.
 */
export const REDACTED = "[REDACTED]";

const SECRET_KEYS = [
  "authorization",
  "Authorization",
  "proxy-authorization",
  "cookie",
  "Cookie",
  "set-cookie",
  "x-api-key",
  "token",
  "accessToken",
  "refreshToken",
  "idToken",
  "access_token",
  "refresh_token",
  "id_token",
  "controlToken",
  "metricsToken",
  "predictKey",
  "secret",
  "clientSecret",
  "client_secret",
  "password",
  "apiKey",
  "api_key",
  "connectionString",
  "databaseUrl",
  "redisUrl",
  "DATABASE_URL",
  "REDIS_URL",
  "NEXTAUTH_SECRET",
  "OIDC_CLIENT_SECRET",
  "RUNTIME_CONTROL_TOKEN",
  "RUNTIME_METRICS_TOKEN",
  "ARTIFACT_URL_SECRET",
];

/** Prediction inputs (and outputs) are customer data: the keys the predict, capture and feedback payloads use. */
const FEATURE_KEYS = ["features", "instances", "rows", "row", "inputs", "outputs", "predictions", "body"];

const MAX_DEPTH = 4;

export const REDACTED_KEYS: readonly string[] = [...SECRET_KEYS, ...FEATURE_KEYS];
const REDACTED_KEY_SET: ReadonlySet<string> = new Set(REDACTED_KEYS);

/**
 * The same keys as pino `redact` paths at the top level only, for the fields of child loggers (which the log
 * formatter does not see); pino checks top-level paths per key, without walking the entry.
 */
export const TOP_LEVEL_REDACT_PATHS: readonly string[] = REDACTED_KEYS.map((key) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`,
);

/** Only plain objects and arrays are walked: an Error or a Date keeps its type for the serializers. */
function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * The fields with every REDACTED_KEYS key in the first four levels replaced by [REDACTED]. One walk over the entry,
 * copying only the containers that change (pino's own `redact` tried 176 wildcard paths on every line).
 */
export function redactKeys(fields: Record<string, unknown>, level = 1): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    const replaced = REDACTED_KEY_SET.has(key) ? REDACTED : redactBelow(value, level);
    if (replaced !== value) (copy ??= { ...fields })[key] = replaced;
  }
  return copy ?? fields;
}

function redactBelow(value: unknown, level: number): unknown {
  if (level >= MAX_DEPTH || !isPlainContainer(value)) return value;
  if (!Array.isArray(value)) return redactKeys(value, level + 1);
  let copy: unknown[] | undefined;
  value.forEach((item, index) => {
    const replaced = redactBelow(item, level + 1);
    if (replaced !== item) (copy ??= [...value])[index] = replaced;
  });
  return copy ?? value;
}

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // scheme://user:password@host (DATABASE_URL, REDIS_URL, artifact URLs)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, `$1${REDACTED}@`],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [
    /\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret|signature)=[^\s&;,]+/gi,
    `$1=${REDACTED}`,
  ],
  // Modelport API tokens (mp_ + 43 base64url characters)
  [/\bmp_[A-Za-z0-9_-]{20,}/g, REDACTED],
];

/** The text with credentials replaced by [REDACTED]. */
export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, replacement);
  return scrubbed;
}
