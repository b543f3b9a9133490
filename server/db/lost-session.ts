/** Sessions ended by the server: idle in a transaction too long, an administrator, a shutdown or crash restart. */
const LOST_SESSION_CODES = new Set(["25P03", "57P01", "57P02", "57P03"]);

/**
 * A database session ended by PostgreSQL (FATAL: the idle-in-transaction timeout, an administrator, a restart) takes
 * its open transaction with it: PostgreSQL rolled it back and the pool drops the connection.
 */
export function isLostSessionError(reason: unknown): boolean {
  if (!(reason instanceof Error) || reason.name !== "DriverAdapterError") return false;
  const cause: unknown = reason.cause;
  if (typeof cause !== "object" || cause === null || !("severity" in cause) || cause.severity !== "FATAL") return false;
  const code = "code" in cause && typeof cause.code === "string" ? cause.code : "";
  return LOST_SESSION_CODES.has(code) || code.startsWith("08");
}

/**
 * Prisma's interactive-transaction timer rolls a timed-out transaction back from a timer of its own, and lets the
 * ROLLBACK's failure escape as an unhandled rejection when the session is already gone (a process frozen past
 * DB_IDLE_IN_TRANSACTION_TIMEOUT_MS mid-transaction, then resumed). Nothing is left to roll back then, so the listener
 * logs it and the process goes on; any other unhandled rejection is thrown again and ends the process, as Node's
 * default would.
 */
export function lostSessionRollbackListener(warn: (message: string) => void) {
  return (reason: unknown) => {
    if (!isLostSessionError(reason)) throw reason;
    warn(`A database session ended inside a transaction, which PostgreSQL rolled back: ${(reason as Error).message}`);
  };
}

export function tolerateLostSessionRollbacks(warn: (message: string) => void) {
  process.on("unhandledRejection", lostSessionRollbackListener(warn));
}
