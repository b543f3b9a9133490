import { DEVELOPMENT_ARTIFACT_URL_SECRET, DEVELOPMENT_SESSION_SECRET, env, type Env } from "@/server/env";

type Settings = Pick<
  Env,
  | "NODE_ENV"
  | "NEXTAUTH_SECRET"
  | "ARTIFACT_URL_SECRET"
  | "MODELPORT_DEV_LOGIN"
  | "MODELPORT_LOCAL_DEMO"
  | "MODELPORT_BIND_HOST"
  | "RUNTIME_CONTROL_TOKEN"
  | "NEXTAUTH_URL"
  | "TRUST_PROXY"
>;

export const MIN_SECRET_BYTES = 32;
const COMMITTED_SECRETS = new Set([DEVELOPMENT_SESSION_SECRET, DEVELOPMENT_ARTIFACT_URL_SECRET]);

const byteLength = (value: string) => Buffer.byteLength(value, "utf8");

export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function secretProblem(name: string, value: string | undefined): string | null {
  const hint = `set ${name} to a random value of at least ${MIN_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 32\`)`;
  if (!value) return `${name} is not set: ${hint}`;
  if (COMMITTED_SECRETS.has(value)) return `${name} is the development default committed in the source: ${hint}`;
  if (byteLength(value) < MIN_SECRET_BYTES) return `${name} is shorter than ${MIN_SECRET_BYTES} bytes: ${hint}`;
  return null;
}

function isLoopbackUrl(url: string | undefined): boolean {
  return url !== undefined && URL.canParse(url) && isLoopbackHost(new URL(url).hostname.replace(/^\[|\]$/g, ""));
}

/**
 * A local demo is reachable from this machine only: it listens on loopback, its own URL is a loopback one, and no
 * proxy forwards other machines' requests to it.
 */
function isLocalOnlyDemo(settings: Settings): boolean {
  return (
    settings.MODELPORT_LOCAL_DEMO &&
    isLoopbackHost(settings.MODELPORT_BIND_HOST) &&
    isLoopbackUrl(settings.NEXTAUTH_URL) &&
    !settings.TRUST_PROXY
  );
}

function devSignInProblem(settings: Settings): string | null {
  if (!settings.MODELPORT_DEV_LOGIN || isLocalOnlyDemo(settings)) return null;
  return (
    "the development sign-in (MODELPORT_DEV_LOGIN) is refused in production: unset it and configure OIDC " +
    "(OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET), or, for a single-machine demo, set MODELPORT_LOCAL_DEMO=1 " +
    "with MODELPORT_BIND_HOST and NEXTAUTH_URL on a loopback address (127.0.0.1, localhost) and no TRUST_PROXY"
  );
}

function localDemoProblem(settings: Settings): string | null {
  if (!settings.MODELPORT_LOCAL_DEMO || isLocalOnlyDemo(settings)) return null;
  return (
    `MODELPORT_LOCAL_DEMO needs MODELPORT_BIND_HOST (now "${settings.MODELPORT_BIND_HOST ?? ""}") and NEXTAUTH_URL ` +
    `(now "${settings.NEXTAUTH_URL ?? ""}") on a loopback address, and TRUST_PROXY unset`
  );
}

function runtimeTokenProblem(token: string | undefined): string | null {
  if (token === undefined || byteLength(token) >= MIN_SECRET_BYTES) return null;
  return `RUNTIME_CONTROL_TOKEN is shorter than ${MIN_SECRET_BYTES} bytes: set it to a random value of at least ${MIN_SECRET_BYTES} bytes`;
}

/** Every reason these settings are unsafe for production; empty outside production. Each says what to set. */
export function productionConfigProblems(settings: Settings): string[] {
  if (settings.NODE_ENV !== "production") return [];
  return [
    secretProblem("NEXTAUTH_SECRET", settings.NEXTAUTH_SECRET),
    secretProblem("ARTIFACT_URL_SECRET", settings.ARTIFACT_URL_SECRET),
    devSignInProblem(settings),
    localDemoProblem(settings),
    runtimeTokenProblem(settings.RUNTIME_CONTROL_TOKEN),
  ].filter((problem): problem is string => problem !== null);
}

export class UnsafeProductionConfig extends Error {
  constructor(
    readonly component: string,
    readonly problems: string[],
  ) {
    super(`Refusing to start the ${component} in production:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "UnsafeProductionConfig";
  }
}

/** Throws (so the process does not start) when the environment is unsafe for production. */
export function refuseUnsafeProduction(component: "portal" | "worker"): void {
  const problems = productionConfigProblems(env());
  if (problems.length > 0) throw new UnsafeProductionConfig(component, problems);
}

/** The key that encrypts session cookies: the configured one, or in development the committed default. */
export function sessionSecret(): string {
  const settings = env();
  if (settings.NEXTAUTH_SECRET) return settings.NEXTAUTH_SECRET;
  if (settings.NODE_ENV === "production") throw new UnsafeProductionConfig("portal", ["NEXTAUTH_SECRET is not set"]);
  return DEVELOPMENT_SESSION_SECRET;
}
