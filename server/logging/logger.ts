import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "@/server/env";
import { createJsonLogger, type DestinationStream, type LogLevel, type Logger } from "@/lib/json-logger";

/** Which process writes the logs: its `name` field, and which level setting applies. */
export type ProcessKind = "portal" | "worker";

type LogSettings = { kind: ProcessKind; destination?: DestinationStream; level?: LogLevel };

let settings: LogSettings = { kind: "portal" };
let root: Logger | undefined;

/** The process's own level: PORTAL_LOG_LEVEL or WORKER_LOG_LEVEL when set, LOG_LEVEL otherwise. */
function levelOf(kind: ProcessKind): LogLevel {
  const settings = env();
  return (kind === "worker" ? settings.WORKER_LOG_LEVEL : settings.PORTAL_LOG_LEVEL) ?? settings.LOG_LEVEL;
}

/**
 * Sets what the process logs as, before its first line: the worker calls it at start (the portal is the default).
 * `destination` and `level` replace stdout and the configured level (tests read the lines back).
 */
export function configureLogging(next: LogSettings) {
  settings = next;
  root = undefined;
}

export function rootLogger(): Logger {
  root ??= createJsonLogger({
    name: settings.kind,
    level: settings.level ?? levelOf(settings.kind),
    destination: settings.destination,
  });
  return root;
}

type RequestScope = { requestId: string; log: Logger };
const scope = new AsyncLocalStorage<RequestScope>();

/** Runs `task` with `requestId` bound: `log()` then writes it on every line, and outgoing calls forward it. */
export function withRequestId<T>(requestId: string, fields: Record<string, unknown>, task: () => T): T {
  return scope.run({ requestId, log: rootLogger().child({ requestId, ...fields }) }, task);
}

/** The request id of the request or job being handled, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}

/** The logger for here: bound to the current request or job when there is one. */
export function log(): Logger {
  return scope.getStore()?.log ?? rootLogger();
}
