export { localRuntimeConfigFromEnv, type LocalRuntimeConfig } from "@/server/integrations/local-runtime/config";
export { LocalRuntimeTarget } from "@/server/integrations/local-runtime/local-runtime-target";
export { LocalRuntimeError, RuntimeControlClient } from "@/server/integrations/local-runtime/runtime-control-client";
