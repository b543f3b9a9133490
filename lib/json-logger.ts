// Server-side only (it writes to file descriptor 1): the one logger factory of the portal's server, the worker and the
// runtime, kept in lib/ because the runtime may import nothing of server/.
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from "pino";
import { REDACTED, redactKeys, scrubSecrets, TOP_LEVEL_REDACT_PATHS } from "@/lib/log-redaction";

export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type { Logger, DestinationStream };

/** Top-level string fields get the same scrubbing as messages (a URL or a header logged as a plain field). */
function scrubFields(fields: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== "string") continue;
    const scrubbed = scrubSecrets(value);
    if (scrubbed !== value) (copy ??= { ...fields })[key] = scrubbed;
  }
  return copy ?? fields;
}

/** pino's error serializer, with credentials scrubbed from the message and the stack. */
function serializeError(error: unknown) {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error);
  return {
    ...serialized,
    message: scrubSecrets(serialized.message),
    ...(serialized.stack === undefined ? {} : { stack: scrubSecrets(serialized.stack) }),
  };
}

/**
 * One JSON line per entry on stdout (or `destination`): ISO time, level name, the process kind as `name`, and
 * credentials and feature values redacted (lib/log-redaction.ts).
 */
export function createJsonLogger(options: { name: string; level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => scrubFields(redactKeys(fields)),
      },
      serializers: { err: serializeError, error: serializeError },
      redact: { paths: [...TOP_LEVEL_REDACT_PATHS], censor: REDACTED },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubSecrets(arg) : arg));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The first of the given settings that is set, checked against pino's level names. */
export function logLevelFrom(name: string, ...values: Array<string | undefined>): LogLevel {
  const value = values.find((v) => v !== undefined && v !== "");
  if (value === undefined) return "info";
  const level = LOG_LEVELS.find((l) => l === value.toLowerCase());
  if (!level) throw new Error(`${name} must be one of ${LOG_LEVELS.join(", ")}, got "${value}"`);
  return level;
}
