/** Wrong arguments or unreadable input files: the person can fix the command line. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** The API refused or failed. Exit code 1. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const EXIT_OK = 0;
export const EXIT_API_ERROR = 1;
/** What the command checked failed (a gate that FAILED or could not run). */
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
