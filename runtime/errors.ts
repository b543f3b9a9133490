/** A failure the runtime reports to its caller with an HTTP status and a clear message. */
export class RuntimeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new RuntimeError(400, message, details);
export const notFound = (message: string) => new RuntimeError(404, message);
export const unprocessable = (message: string, details?: Record<string, unknown>) =>
  new RuntimeError(422, message, details);
