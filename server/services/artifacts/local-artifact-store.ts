import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { AppError, notFound } from "@/server/errors";
import { SHA256_HEX, tooLarge, type ArtifactStore, type StoredBlob } from "@/server/services/artifacts/artifact-store";

/** Hashes and counts bytes as they pass, failing as soon as the limit is crossed. */
class HashAndLimit extends Transform {
  readonly hash = createHash("sha256");
  sizeBytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void) {
    this.sizeBytes += chunk.length;
    if (this.sizeBytes > this.maxBytes) {
      done(tooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * Blobs under `<root>/sha256/ab/cd/<hash>`. Uploads stream into `<root>/tmp/` and are renamed into place
 * only when complete, so a reader never sees a partial file and a failed upload leaves nothing behind.
 */
export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  blobPath(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new AppError("BAD_REQUEST", "Not a sha256 digest");
    return path.join(this.root, "sha256", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<StoredBlob> {
    const tmpDir = path.join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = path.join(tmpDir, `${Date.now()}-${randomBytes(8).toString("hex")}`);
    const counter = new HashAndLimit(options.maxBytes);
    try {
      await pipeline(
        Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
        counter,
        createWriteStream(tmpPath, { flags: "wx" }),
      );
      const sha256 = counter.hash.digest("hex");
      const finalPath = this.blobPath(sha256);
      await mkdir(path.dirname(finalPath), { recursive: true });
      // Bytes already stored are kept as they are; the temporary copy is removed below.
      if (!(await this.exists(sha256))) await rename(tmpPath, finalPath);
      return { sha256, sizeBytes: counter.sizeBytes };
    } finally {
      await rm(tmpPath, { force: true });
    }
  }

  async get(sha256: string): Promise<ReadableStream<Uint8Array>> {
    const blobPath = this.blobPath(sha256);
    if (!(await this.exists(sha256))) throw notFound("Artifact content");
    return Readable.toWeb(createReadStream(blobPath)) as ReadableStream<Uint8Array>;
  }

  async exists(sha256: string): Promise<boolean> {
    return access(this.blobPath(sha256)).then(
      () => true,
      () => false,
    );
  }
}
