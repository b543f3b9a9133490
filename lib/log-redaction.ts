/**
 * What JSON logs never show: credentials and prediction inputs. Keys are redacted wherever they sit in the first four
 * levels of a logged object (pino `redact` paths); strings (messages, error texts) have credentials in URLs, bearer
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

/** `key`, then `*.key`, `*.*.key`, ... in pino's path syntax (bracketed when the key is not an identifier). */
function pathsFor(key: string): string[] {
  const identifier = /^[A-Za-z_$][\w$]*$/.test(key);
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    if (depth === 0) return identifier ? key : `["${key}"]`;
    const prefix = Array.from({ length: depth }, () => "*").join(".");
    return identifier ? `${prefix}.${key}` : `${prefix}["${key}"]`;
  });
}

export const REDACTED_KEYS: readonly string[] = [...SECRET_KEYS, ...FEATURE_KEYS];

export const REDACT_PATHS: readonly string[] = REDACTED_KEYS.flatMap(pathsFor);

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
