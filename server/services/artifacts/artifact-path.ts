import { badRequest } from "@/server/errors";

export const MAX_ARTIFACT_PATH_LENGTH = 512;

/** A run-relative path like "model/model.onnx": no leading "/", no "." or ".." segments, no "\\". */
export function validateArtifactPath(raw: string | null | undefined): string {
  const value = raw ?? "";
  const problem = artifactPathProblem(value);
  if (problem) throw badRequest(`Invalid artifact path "${value.slice(0, 100)}": ${problem}`);
  return value;
}

function artifactPathProblem(value: string): string | null {
  if (value === "") return "give a path, e.g. ?path=model.onnx";
  if (value.length > MAX_ARTIFACT_PATH_LENGTH) return `at most ${MAX_ARTIFACT_PATH_LENGTH} characters`;
  if (value.startsWith("/")) return "must be relative (no leading /)";
  if (value.includes("\\")) return 'use "/" to separate folders';
  if (/\p{Cc}/u.test(value)) return "must not contain control characters";
  const segments = value.split("/");
  if (segments.some((s) => s === "..")) return 'must not contain ".." segments';
  if (segments.some((s) => s === "." || s === "")) return 'must not contain empty or "." segments';
  return null;
}

const CONTENT_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=("[^"]*"|[\w.+-]+))*$/;

/** The artifact's media type, as sent by the uploader; raw bytes are application/octet-stream. */
export function validateContentType(raw: string | null | undefined): string {
  const value = (raw ?? "").trim() || "application/octet-stream";
  if (value.length > 255 || !CONTENT_TYPE.test(value))
    throw badRequest(`Invalid content type "${value.slice(0, 100)}"`);
  return value;
}
