import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { AppError, notFound } from "@/server/errors";
import {
  checkRange,
  SHA256_HEX,
  type ArtifactStore,
  type ByteRange,
  type StoredBlob,
} from "@/server/services/artifacts/artifact-store";
import { HashAndLimit, verified } from "@/server/services/artifacts/hash-and-limit";

/**
 * Blobs under `<root>/sha256/ab/cd/<hash>`. Uploads stream into `<root>/tmp/` and are renamed into place
 * only when complete, so a reader never sees a partial file and a failed upload leaves nothing behind. Whole reads are
 * verified against the digest as they stream.
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
    return Readable.toWeb(verified(createReadStream(blobPath), sha256)) as ReadableStream<Uint8Array>;
  }

  async getRange(sha256: string, range: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const size = await this.size(sha256);
    if (size === undefined) throw notFound("Artifact content");
    checkRange(range, size);
    return Readable.toWeb(createReadStream(this.blobPath(sha256), range)) as ReadableStream<Uint8Array>;
  }

  async size(sha256: string): Promise<number | undefined> {
    return stat(this.blobPath(sha256)).then(
      (stats) => stats.size,
      () => undefined,
    );
  }

  async localFile(sha256: string): Promise<string> {
    if (!(await this.exists(sha256))) throw notFound("Artifact content");
    return this.blobPath(sha256);
  }

  async exists(sha256: string): Promise<boolean> {
    return access(this.blobPath(sha256)).then(
      () => true,
      () => false,
    );
  }
}
