import type { ServerResponse } from "node:http";

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

/** SageMaker Runtime's REST-JSON error: its type in `x-amzn-errortype`, its message in the body. */
export function answerRuntimeError(response: ServerResponse, error: unknown) {
  if (!(error instanceof ApiError)) throw error;
  response.statusCode = error.status;
  response.setHeader("x-amzn-errortype", error.type);
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ message: error.message }));
}
