import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { access, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { AppError, notFound } from "@/server/errors";
import {
  checkRange,
  SHA256_HEX,
  type ArtifactStore,
  type ByteRange,
  type StoredBlob,
} from "@/server/services/artifacts/artifact-store";
import { HashAndLimit, VerifySha256, verified } from "@/server/services/artifacts/hash-and-limit";

export type S3ArtifactStoreConfig = {
  bucket: string;
  /** Key prefix, e.g. "modelport/" (blobs under `<prefix>sha256/ab/cd/<hash>`, uploads under `<prefix>tmp/`). */
  prefix: string;
  /** Where downloaded blobs are kept for runtimes that load from disk (`localFile`). */
  cacheDirectory: string;
  /** Multipart upload part size (S3's minimum is 5 MiB). */
  partSizeBytes?: number;
};

/** A blob's name, refused unless it is a sha256 digest (it becomes part of a key and a file path). */
function digest(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new AppError("BAD_REQUEST", "Not a sha256 digest");
  return sha256;
}

/** Not found, as S3 says it (GetObject's NoSuchKey, HeadObject's bare 404). */
const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404);

/** S3 refuses a Range outside the object with 416 InvalidRange. */
const isInvalidRange = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === "InvalidRange" || error.$metadata.httpStatusCode === 416);

const webStream = (body: unknown): Readable => {
  if (body instanceof Readable) return body;
  throw new Error("S3 returned a body that is not a Node.js stream");
};

/**
 * Blobs in an S3 bucket under `<prefix>sha256/ab/cd/<hash>`. An upload streams (multipart, never buffered whole) to a
 * temporary key while its bytes are hashed and counted, then is copied server-side to its content address and the
 * temporary key deleted: a reader never sees a partial blob, and an upload over the limit is aborted and leaves
 * nothing (a crash mid-upload can leave a `tmp/` key or an incomplete multipart upload: give the bucket a lifecycle
 * rule that expires both — docs/operations.md). Every whole read is verified against the digest as it streams.
 */
export class S3ArtifactStore implements ArtifactStore {
  constructor(
    private readonly client: S3Client,
    private readonly config: S3ArtifactStoreConfig,
  ) {}

  key(sha256: string): string {
    return `${this.config.prefix}sha256/${digest(sha256).slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  async put(body: ReadableStream<Uint8Array>, options: { maxBytes: number }): Promise<StoredBlob> {
    const { bucket, prefix } = this.config;
    const temporary = `${prefix}tmp/${randomUUID()}`;
    const counter = new HashAndLimit(options.maxBytes);
    const source = Readable.fromWeb(body as NodeReadableStream<Uint8Array>);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: temporary, Body: source.pipe(counter), ContentType: "application/octet-stream" },
      partSize: this.config.partSizeBytes ?? 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    // The limit fails the hashing stream: the upload stops with it and aborts its multipart upload (nothing is left).
    source.on("error", (error) => counter.destroy(error));
    counter.on("error", () => void upload.abort());
    const ended = new Promise((resolve, reject) => counter.on("end", resolve).on("error", reject));
    await Promise.all([upload.done(), ended]).catch((error: unknown) => {
      // Whatever failed, the caller's body is not read any further.
      source.destroy();
      counter.destroy();
      throw counter.errored ?? error;
    });
    const sha256 = counter.hash.digest("hex");
    try {
      if (!(await this.exists(sha256)))
        await this.client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: this.key(sha256),
            CopySource: encodeURI(`${bucket}/${temporary}`),
          }),
        );
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: temporary }));
    }
    return { sha256, sizeBytes: counter.sizeBytes };
  }

  async get(sha256: string): Promise<ReadableStream<Uint8Array>> {
    const body = await this.open(sha256);
    return Readable.toWeb(verified(body, sha256)) as ReadableStream<Uint8Array>;
  }

  async getRange(sha256: string, range: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const size = await this.size(sha256);
    if (size === undefined) throw notFound("Artifact content");
    checkRange(range, size);
    return Readable.toWeb(await this.open(sha256, `bytes=${range.start}-${range.end}`)) as ReadableStream<Uint8Array>;
  }

  async exists(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    const key = this.key(sha256);
    return this.client.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key })).then(
      (head) => head.ContentLength,
      (error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      },
    );
  }

  /** A verified download under the cache directory, written to a temporary name and renamed when whole and right. */
  async localFile(sha256: string): Promise<string> {
    const file = path.join(this.config.cacheDirectory, "sha256", digest(sha256).slice(0, 2), sha256);
    const cached = await access(file).then(
      () => true,
      () => false,
    );
    if (cached) return file;
    const body = await this.open(sha256);
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${randomUUID()}.part`;
    try {
      await pipeline(body, new VerifySha256(sha256), createWriteStream(partial, { flags: "wx" }));
      await rename(partial, file);
      return file;
    } finally {
      await rm(partial, { force: true });
    }
  }

  private async open(sha256: string, range?: string): Promise<Readable> {
    const key = this.key(sha256);
    const object = await this.client
      .send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key, Range: range }))
      .catch((error: unknown) => {
        if (isMissing(error)) throw notFound("Artifact content");
        if (isInvalidRange(error)) throw new AppError("BAD_REQUEST", `Byte range ${range} is not inside the artifact`);
        throw error;
      });
    return webStream(object.Body);
  }
}
