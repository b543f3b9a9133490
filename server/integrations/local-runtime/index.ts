export { localRuntimeConfigFromEnv, type LocalRuntimeConfig } from "./config";
export { LocalRuntimeTarget } from "./local-runtime-target";
export { LocalRuntimeError, RuntimeControlClient } from "./runtime-control-client";
