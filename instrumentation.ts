/**
 * Runs once when the portal's server starts: with settings unsafe for production it exits (Next.js only logs an error
 * thrown here and would go on serving).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { productionConfigProblems, UnsafeProductionConfig } = await import("@/server/production-safety");
  const { env } = await import("@/server/env");
  const { log } = await import("@/server/logging/logger");
  const problems = productionConfigProblems(env());
  if (problems.length === 0) return;
  log().fatal(new UnsafeProductionConfig("portal", problems).message);
  process.exit(1);
}
