/** The Content-Length a client declared, if any: lets an oversized upload fail before any byte is read. */
export function declaredLength(request: Request): number | undefined {
  const header = request.headers.get("content-length");
  return header === null ? undefined : Number(header);
}
