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
