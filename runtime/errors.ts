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

/** A stable, machine-readable code for each status the runtime answers, sent beside the message as `code`. */
const CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export const errorCode = (status: number) => CODES[status] ?? (status >= 500 ? "INTERNAL" : "BAD_REQUEST");
