/**
 * The request id that follows one request from the portal through a job to the worker and the runtime: taken from the
 * caller's `x-request-id` when it is well-formed, made afresh otherwise, echoed in the answer and logged on every line.
 */
export const REQUEST_ID_HEADER = "x-request-id";

// Letters, digits and `._:-`, as proxies and tracing headers write them: nothing that could forge a log line or a header.
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The header's value when it is a usable request id; undefined for a missing, over-long or odd one. */
export function parseRequestId(value: string | null | undefined): string | undefined {
  return value !== null && value !== undefined && WELL_FORMED.test(value) ? value : undefined;
}

/** The caller's request id when well-formed, a fresh UUID otherwise. */
export function requestIdFrom(value: string | null | undefined): string {
  return parseRequestId(value) ?? crypto.randomUUID();
}
