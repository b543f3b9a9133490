import { HeadObjectCommand, PutObjectCommand, S3Client, type HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { ModelArtifactError, s3RequestError } from "@/server/integrations/sagemaker/errors";
import { callWithRetry } from "@/server/integrations/sagemaker/retry";

/** Reads artifact bytes from wherever the registry keeps them; the worker passes its local content-addressed store. */
export interface ArtifactSource {
  /** The blob's size in bytes; undefined when the store does not hold it. */
  size(sha256: string): Promise<number | undefined>;
  /** A fresh stream of the blob's bytes; called once per upload attempt. */
  open(sha256: string): Promise<Readable>;
}

/** A registry artifact SageMaker will read from S3: `uri` is the object CreateModel points at (model-definition.ts). */
export type ArtifactUpload = { sha256: string; uri: string };

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

const isMissingObject = (error: unknown) =>
  error instanceof Error && (error.name === "NotFound" || error.name === "NoSuchKey");

/**
 * Puts registry artifacts where SageMaker reads them: each one uncompressed, as a single object at
 * `<MODELPORT_SAGEMAKER_S3_PREFIX>/<sha256>/<file name>` (SageMaker mounts it as /opt/ml/model/<file name>), with its
 * sha256 in `x-amz-meta-sha256`. An object already there with the same sha256 and size is left alone, so a retried
 * deployment uploads nothing twice. Objects are shared by every endpoint using the artifact and never deleted here.
 */
export class ModelArtifacts {
  constructor(
    private readonly s3: S3Client,
    private readonly source: ArtifactSource | undefined,
    private readonly config: SageMakerConfig,
  ) {}

  async ensureUploaded(artifact: ArtifactUpload): Promise<"present" | "uploaded"> {
    if (!this.source)
      throw new ModelArtifactError(
        `No artifact source is configured, so ${artifact.sha256} cannot be uploaded to ${artifact.uri}`,
        false,
      );
    const size = await this.source.size(artifact.sha256);
    if (size === undefined) {
      throw new ModelArtifactError(
        `Artifact ${artifact.sha256} is missing from the artifact store, so it cannot be uploaded to ${artifact.uri}`,
        false,
      );
    }
    const location = parseS3Uri(artifact.uri);
    const existing = await this.head(location, artifact.uri);
    if (existing?.Metadata?.sha256 === artifact.sha256 && existing.ContentLength === size) return "present";
    if (size <= this.config.s3MultipartThresholdBytes) await this.put(this.source, location, artifact, size);
    else await this.multipartUpload(this.source, location, artifact, size);
    return "uploaded";
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
  private put(source: ArtifactSource, location: S3Location, artifact: ArtifactUpload, size: number) {
    return this.call("PutObject", artifact.uri, () =>
      withBody(source, artifact.sha256, (Body) =>
        this.s3.send(
          new PutObjectCommand({
            ...location,
            ...this.objectAttributes(artifact),
            Body,
            ContentLength: size,
            ChecksumSHA256: Buffer.from(artifact.sha256, "hex").toString("base64"),
          }),
        ),
      ),
    );
  }

  /** A multipart object has no whole-object SHA256 in S3, so each part carries its own and the metadata the whole. */
  private multipartUpload(source: ArtifactSource, location: S3Location, artifact: ArtifactUpload, size: number) {
    const partSize = Math.max(this.config.s3PartSizeBytes, Math.ceil(size / MAX_PARTS));
    return this.call("multipart upload", artifact.uri, () =>
      withBody(source, artifact.sha256, (Body) =>
        new Upload({
          client: this.s3,
          params: {
            ...location,
            ...this.objectAttributes(artifact),
            Body,
            ContentLength: size,
            ChecksumAlgorithm: "SHA256",
          },
          partSize,
          queueSize: UPLOAD_CONCURRENCY,
        }).done(),
      ),
    );
  }

  private objectAttributes(artifact: ArtifactUpload) {
    const encryption = this.config.s3KmsKeyId
      ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: this.config.s3KmsKeyId }
      : { ServerSideEncryption: "AES256" as const };
    return { ContentType: "application/octet-stream", Metadata: { sha256: artifact.sha256 }, ...encryption };
  }

  private call<T>(operation: string, uri: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.config.retry, send, (error, attempts) =>
      s3RequestError(operation, uri, error, attempts),
    );
  }
}

/** Opens the bytes for one attempt and always closes them, so a failed request leaves no file handle behind. */
async function withBody<T>(source: ArtifactSource, sha256: string, send: (body: Readable) => Promise<T>): Promise<T> {
  const body = await source.open(sha256);
  try {
    return await send(body);
  } finally {
    body.destroy();
  }
}
