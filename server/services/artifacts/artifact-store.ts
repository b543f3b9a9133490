import { AppError } from "@/server/errors";

/**
 * Where artifact bytes live, content addressed by sha256: a local directory (local-artifact-store.ts) or an S3 bucket
 * (s3-artifact-store.ts), chosen by ARTIFACT_STORE.
 */
export interface ArtifactStore {
  /**
   * Streams `body` into the store and returns its digest and size. Refuses (AppError PAYLOAD_TOO_LARGE)
   * bodies over `maxBytes`, leaving nothing behind. Storing bytes that are already present is a no-op.
   */
  put(body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<StoredBlob>;
  /** Streams stored bytes; AppError NOT_FOUND when the blob is missing. */
  get(sha256: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * Streams bytes [start, end] (inclusive) of a stored blob, unverified (a part cannot be checked against the digest).
   * NOT_FOUND when the blob is missing, BAD_REQUEST when the range is not inside it.
   */
  getRange(sha256: string, range: ByteRange): Promise<ReadableStream<Uint8Array>>;
  exists(sha256: string): Promise<boolean>;
  /** The blob's size in bytes; undefined when it is missing. */
  size(sha256: string): Promise<number | undefined>;
  /**
   * A file on this machine holding the blob's bytes, for a runtime that loads models from disk: the local store's own
   * file, or a verified download kept in a cache. NOT_FOUND when the blob is missing.
   */
  localFile(sha256: string): Promise<string>;
}

/** Inclusive byte offsets, as in an HTTP Range header. */
export type ByteRange = { start: number; end: number };

/** Refuses a range that is not inside a blob of `size` bytes. */
export function checkRange(range: ByteRange, size: number) {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= size)
    throw new AppError("BAD_REQUEST", `Byte range ${start}-${end} is not inside the artifact's ${size} bytes`);
}

export type StoredBlob = { sha256: string; sizeBytes: number };

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function tooLarge(maxBytes: number) {
  return new AppError("PAYLOAD_TOO_LARGE", `Artifact exceeds the ${formatBytes(maxBytes)} limit`);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
