import { HeadObjectCommand, PutObjectCommand, S3Client, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { ModelArtifactError, s3RequestError } from "@/server/integrations/sagemaker/errors";
import { packedTarball } from "@/server/integrations/sagemaker/packed-tarball";
import { callWithRetry } from "@/server/integrations/sagemaker/retry";

/** Reads artifact bytes from wherever the registry keeps them; the worker passes its local content-addressed store. */
export interface ArtifactSource {
  /** The blob's size in bytes; undefined when the store does not hold it. */
  size(sha256: string): Promise<number | undefined>;
  /** A fresh stream of the blob's bytes; called once per upload attempt. */
  open(sha256: string): Promise<Readable>;
}

/**
 * A registry artifact SageMaker will read from S3: `uri` is the object CreateModel points at (model-definition.ts).
 * With `tarEntry` the artifact goes up packed in a tar.gz as that single file, for containers that expect one.
 */
export type ArtifactUpload = { sha256: string; uri: string; tarEntry?: string };

/** The bytes that go up: their size and sha256 known in advance, and a fresh stream of them per attempt. */
export type UploadBody = { size: number; sha256: string; open(): Promise<Readable> };

type S3Location = { Bucket: string; Key: string };

const MAX_PARTS = 10_000;
const UPLOAD_CONCURRENCY = 4;

/** The real S3 client for a config; as for SageMaker, retries are ours, so the SDK's own are turned off. */
export function createS3Client(config: SageMakerConfig): S3Client {
  return new S3Client({
    region: config.region,
    maxAttempts: 1,
    ...(config.s3EndpointUrl && { endpoint: config.s3EndpointUrl, forcePathStyle: true }),
  });
}

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new ModelArtifactError(`${uri} is not an s3://bucket/key URI`, false);
  return { Bucket: match[1], Key: match[2] };
}

export const isMissingObject = (error: unknown) =>
  error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey");

/**
 * Puts registry artifacts where SageMaker reads them, as single objects under
 * `<MODELPORT_SAGEMAKER_S3_PREFIX>/<sha256>/`: as they are under their own file name (a `.tar.gz` SageMaker unpacks; any
 * other file is mounted as /opt/ml/model/<file name>), or packed into `model.tar.gz` for containers that expect one.
 * The object's `x-amz-meta-sha256` is the sha256 of its bytes. An object already there with the same content is left
 * alone, so a retried deployment uploads nothing twice. Objects are shared by every endpoint using the artifact and
 * never deleted here.
 */
export class ModelArtifacts {
  constructor(
    private readonly s3: S3Client,
    private readonly source: ArtifactSource | undefined,
    private readonly config: SageMakerConfig,
  ) {}

  async ensureUploaded(artifact: ArtifactUpload): Promise<"present" | "uploaded"> {
    const source = this.requireSource(artifact);
    const size = await source.size(artifact.sha256);
    if (size === undefined) {
      throw new ModelArtifactError(
        `Artifact ${artifact.sha256} is missing from the artifact store, so it cannot be uploaded to ${artifact.uri}`,
        false,
      );
    }
    const location = parseS3Uri(artifact.uri);
    const existing = await this.head(location, artifact.uri);
    if (artifact.tarEntry !== undefined)
      return this.ensurePacked(source, location, { ...artifact, tarEntry: artifact.tarEntry }, size, existing);
    if (existing?.Metadata?.sha256 === artifact.sha256 && existing.ContentLength === size) return "present";
    const body: UploadBody = { size, sha256: artifact.sha256, open: () => source.open(artifact.sha256) };
    await this.upload(location, artifact.uri, body, { sha256: artifact.sha256 });
    return "uploaded";
  }

  /** Packing is deterministic, so an object packed from the same artifact as the same entry is the same object. */
  private async ensurePacked(
    source: ArtifactSource,
    location: S3Location,
    artifact: ArtifactUpload & { tarEntry: string },
    size: number,
    existing: HeadObjectCommandOutput | undefined,
  ): Promise<"present" | "uploaded"> {
    const metadata = existing?.Metadata ?? {};
    if (metadata["source-sha256"] === artifact.sha256 && metadata["tar-entry"] === artifact.tarEntry && metadata.sha256)
      return "present";
    await packedTarball(source, artifact.sha256, size, artifact.tarEntry, (body) =>
      this.upload(location, artifact.uri, body, {
        sha256: body.sha256,
        "source-sha256": artifact.sha256,
        "tar-entry": artifact.tarEntry,
      }),
    );
    return "uploaded";
  }

  private requireSource(artifact: ArtifactUpload): ArtifactSource {
    if (this.source) return this.source;
    throw new ModelArtifactError(
      `No artifact source is configured, so ${artifact.sha256} cannot be uploaded to ${artifact.uri}`,
      false,
    );
  }

  private upload(location: S3Location, uri: string, body: UploadBody, metadata: Record<string, string>) {
    if (body.size <= this.config.s3MultipartThresholdBytes) return this.put(location, uri, body, metadata);
    return this.multipartUpload(location, uri, body, metadata);
  }

  private head(location: S3Location, uri: string): Promise<HeadObjectCommandOutput | undefined> {
    return this.call("HeadObject", uri, () =>
      this.s3.send(new HeadObjectCommand(location)).catch((error: unknown) => {
        if (isMissingObject(error)) return undefined;
        throw error;
      }),
    );
  }

  /** One PUT with the sha256 we already know: S3 recomputes it and refuses bytes that do not match (BadDigest). */
  private put(location: S3Location, uri: string, body: UploadBody, metadata: Record<string, string>) {
    return this.call("PutObject", uri, () =>
      withBody(body, (Body) =>
        this.s3.send(
          new PutObjectCommand({
            ...location,
            ...this.objectAttributes(metadata),
            Body,
            ContentLength: body.size,
            ChecksumSHA256: Buffer.from(body.sha256, "hex").toString("base64"),
          }),
        ),
      ),
    );
  }

  /** A multipart object has no whole-object SHA256 in S3, so each part carries its own and the metadata the whole. */
  private multipartUpload(location: S3Location, uri: string, body: UploadBody, metadata: Record<string, string>) {
    const partSize = Math.max(this.config.s3PartSizeBytes, Math.ceil(body.size / MAX_PARTS));
    return this.call("multipart upload", uri, () =>
      withBody(body, (Body) =>
        new Upload({
          client: this.s3,
          params: {
            ...location,
            ...this.objectAttributes(metadata),
            Body,
            ContentLength: body.size,
            ChecksumAlgorithm: "SHA256",
          },
          partSize,
          queueSize: UPLOAD_CONCURRENCY,
        }).done(),
      ),
    );
  }

  private objectAttributes(metadata: Record<string, string>) {
    const encryption = this.config.s3KmsKeyId
      ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: this.config.s3KmsKeyId }
      : { ServerSideEncryption: "AES256" as const };
    return { ContentType: "application/octet-stream", Metadata: metadata, ...encryption };
  }

  private call<T>(operation: string, uri: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.config.retry, send, (error, attempts) =>
      s3RequestError(operation, uri, error, attempts),
    );
  }
}

/** Opens the bytes for one attempt and always closes them, so a failed request leaves no file handle behind. */
async function withBody<T>(body: UploadBody, send: (stream: Readable) => Promise<T>): Promise<T> {
  const stream = await body.open();
  try {
    return await send(stream);
  } finally {
    stream.destroy();
  }
}
