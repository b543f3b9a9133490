import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { Env } from "@/server/env";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { S3ArtifactStore } from "@/server/services/artifacts/s3-artifact-store";

type StoreSettings = Pick<
  Env,
  | "ARTIFACT_STORE"
  | "ARTIFACT_ROOT"
  | "ARTIFACT_S3_BUCKET"
  | "ARTIFACT_S3_PREFIX"
  | "ARTIFACT_S3_ENDPOINT"
  | "ARTIFACT_S3_FORCE_PATH_STYLE"
  | "ARTIFACT_CACHE_DIR"
  | "AWS_REGION"
>;

let store: { key: string; instance: ArtifactStore } | undefined;

/**
 * An S3 client for artifacts. Checksums are sent only where S3 requires them: the SDK's default streams uploads with
 * trailing CRC checksums (aws-chunked), which S3-compatible servers often do not speak; integrity is the store's own —
 * every blob is named by its sha256 and verified against it when read.
 */
export function s3ArtifactClient(options: {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Unset: the SDK's default chain (environment, shared files, the instance's or pod's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}) {
  return new S3Client({
    region: options.region ?? "us-east-1",
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/** The configured store, one instance per configuration: a local directory, or an S3 bucket. */
export function artifactStoreFromSettings(settings: StoreSettings): ArtifactStore {
  const key = JSON.stringify(settings);
  if (store?.key === key) return store.instance;
  store = { key, instance: buildStore(settings) };
  return store.instance;
}

function buildStore(settings: StoreSettings): ArtifactStore {
  if (settings.ARTIFACT_STORE === "local") return new LocalArtifactStore(path.resolve(settings.ARTIFACT_ROOT));
  if (!settings.ARTIFACT_S3_BUCKET) throw new Error("ARTIFACT_STORE=s3 needs ARTIFACT_S3_BUCKET");
  const client = s3ArtifactClient({
    region: settings.AWS_REGION,
    endpoint: settings.ARTIFACT_S3_ENDPOINT,
    forcePathStyle: settings.ARTIFACT_S3_FORCE_PATH_STYLE,
  });
  return new S3ArtifactStore(client, {
    bucket: settings.ARTIFACT_S3_BUCKET,
    prefix: settings.ARTIFACT_S3_PREFIX,
    cacheDirectory: path.resolve(settings.ARTIFACT_CACHE_DIR),
  });
}
