import { createHash } from "node:crypto";
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import { tooLarge } from "@/server/services/artifacts/artifact-store";

/** Hashes and counts bytes as they pass, failing as soon as the limit is crossed. */
export class HashAndLimit extends Transform {
  readonly hash = createHash("sha256");
  sizeBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/** A stored blob whose bytes no longer hash to its name: a fault of the store, answered as a server error. */
export class CorruptArtifactError extends Error {
  constructor(
    readonly sha256: string,
    readonly actual: string,
  ) {
    super(`Stored artifact ${sha256} is corrupt: its bytes hash to ${actual}`);
    this.name = "CorruptArtifactError";
  }
}

/**
 * Passes bytes through and fails at the end when they do not hash to `sha256`: a stored blob that changed under its
 * name (a corrupted or overwritten object) is never served as if it were the artifact.
 */
export class VerifySha256 extends Transform {
  private readonly hash = createHash("sha256");

  constructor(private readonly sha256: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback) {
    const actual = this.hash.digest("hex");
    if (actual === this.sha256) done();
    else done(new CorruptArtifactError(this.sha256, actual));
  }
}

/** `source` checked against `sha256` as it is read; an error of `source` (or a mismatch) reaches the reader. */
export function verified(source: Readable, sha256: string): Readable {
  const verify = new VerifySha256(sha256);
  // The callback is required by pipeline; every error also destroys `verify`, which is what the reader holds.
  pipeline(source, verify, () => undefined);
  return verify;
}
