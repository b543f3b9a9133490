/** Runs once when the portal's server starts: refuse to serve with settings unsafe for production. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { refuseUnsafeProduction } = await import("@/server/production-safety");
  refuseUnsafeProduction("portal");
}
