import { AppError } from "@/server/errors";

/** Where artifact bytes live, content addressed by sha256. A local directory today; S3 could implement it too. */
export interface ArtifactStore {
  /**
   * Streams `body` into the store and returns its digest and size. Refuses (AppError PAYLOAD_TOO_LARGE)
   * bodies over `maxBytes`, leaving nothing behind. Storing bytes that are already present is a no-op.
   */
  put(body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<StoredBlob>;
  /** Streams stored bytes; AppError NOT_FOUND when the blob is missing. */
  get(sha256: string): Promise<ReadableStream<Uint8Array>>;
  exists(sha256: string): Promise<boolean>;
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
