import { createJsonLogger, type Logger } from "@/lib/json-logger";
import { runtimeLogLevel } from "@/runtime/config";

let root: Logger | undefined;

/** The runtime's JSON logger (name "runtime", level RUNTIME_LOG_LEVEL or LOG_LEVEL), made on first use. */
export function log(): Logger {
  root ??= createJsonLogger({ name: "runtime", level: runtimeLogLevel() });
  return root;
}
