export const APP_ERROR_HTTP_STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  /** Rate-limited: the answer carries Retry-After (details.retryAfterSeconds). */
  TOO_MANY_REQUESTS: 429,
  /** A system we depend on (e.g. Prometheus) did not answer; retrying later may work. */
  UNAVAILABLE: 503,
} as const;

export type AppErrorCode = keyof typeof APP_ERROR_HTTP_STATUS;

/** A failure the caller can act on. Mapped once to HTTP (REST) and tRPC codes. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const conflict = (message: string) => new AppError("CONFLICT", message);
export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError("BAD_REQUEST", message, details);
export const forbidden = (message = "You do not have permission to do this") => new AppError("FORBIDDEN", message);

/** Prisma's unique-constraint violation (P2002), raised by a concurrent or duplicate insert. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

type PrismaKnownError = { code: string; meta?: Record<string, unknown> };

function prismaKnownError(error: unknown): PrismaKnownError | null {
  if (typeof error !== "object" || error === null) return null;
  if (!("name" in error) || error.name !== "PrismaClientKnownRequestError") return null;
  return "code" in error && typeof error.code === "string" ? (error as PrismaKnownError) : null;
}

/** PostgreSQL SQLSTATEs raised by a value the caller sent (too long, out of range, malformed, NUL). */
const CALLER_SQLSTATES = new Set(["22001", "22003", "22007", "22008", "22021", "22P02", "22P05"]);

/** Prisma codes a caller's input causes, as AppErrors whose messages carry no database text. */
const CALLER_PRISMA_ERRORS: Record<string, () => AppError> = {
  P2000: () => badRequest("A value is too long for its field"),
  P2002: () => conflict("This already exists"),
  P2003: () => badRequest("The request refers to something that does not exist"),
  P2005: () => badRequest("A value is not valid for its field"),
  P2006: () => badRequest("A value is not valid for its field"),
  P2007: () => badRequest("A value is not valid for its field"),
  P2020: () => badRequest("A value is out of range for its field"),
  P2025: () => notFound("The record"),
  P2033: () => badRequest("A number is too large"),
};

/**
 * The AppError a failure stands for: itself, or a 4xx for a Prisma/PostgreSQL error caused by the caller's input;
 * null for anything else (a bug or an outage: answered as INTERNAL with a request id, never with its text).
 */
export function asAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const prisma = prismaKnownError(error);
  if (!prisma) return null;
  if (prisma.code === "P2010" && CALLER_SQLSTATES.has(String(prisma.meta?.code ?? ""))) {
    return badRequest("A value is not valid for its field");
  }
  return CALLER_PRISMA_ERRORS[prisma.code]?.() ?? null;
}
