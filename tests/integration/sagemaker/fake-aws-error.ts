/** An error the stand-ins answer as AWS does: its `__type` (the SDK's error name), message and HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new ApiError("ValidationException", message);
