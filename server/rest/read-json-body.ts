import { readAtMost } from "@/lib/web-streams";
import { AppError } from "@/server/errors";

export const MAX_JSON_BODY_BYTES = 8 * 1024 * 1024;

/** Reads a JSON body, refusing the wrong content type, oversized bodies and malformed JSON. */
export async function readJsonBody(request: Request, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.toLowerCase().startsWith("application/json")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) throw new AppError("BAD_REQUEST", "Request body is empty");
  const bytes = await readAtMost(request.body, maxBytes);
  if (bytes === "TOO_LARGE") throw tooLarge(maxBytes);
  const text = bytes.toString("utf8");
  if (text.trim() === "") throw new AppError("BAD_REQUEST", "Request body is empty");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("BAD_REQUEST", `Malformed JSON: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number) {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${Math.floor(maxBytes / 1024 / 1024)} MiB`);
}
