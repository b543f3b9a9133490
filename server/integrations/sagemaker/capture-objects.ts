import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/**
 * Reads SageMaker data capture from S3. SageMaker writes each endpoint variant's captured requests as JSONL objects
 * under {captureS3Prefix}/{EndpointName}/{VariantName}/yyyy/mm/dd/hh/, named by time, so listing one variant's folder
 * in key order (what S3 guarantees) lists them oldest first; `StartAfter` resumes after the last object imported.
 */
export class CaptureObjects {
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    private readonly s3: S3Client,
    captureS3Prefix: string,
  ) {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(captureS3Prefix);
    if (!match?.[1]) throw new Error(`${captureS3Prefix} is not an s3://bucket/prefix URI`);
    this.bucket = match[1];
    this.prefix = (match[2] ?? "").replace(/\/+$/, "");
  }

  private folder(...parts: string[]): string {
    return [this.prefix, ...parts].filter(Boolean).join("/") + "/";
  }

  /** The variants that have captured anything for this endpoint (the folders below its own). */
  async variants(endpointName: string): Promise<string[]> {
    const base = this.folder(endpointName);
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, Delimiter: "/", ContinuationToken: token }),
      );
      for (const common of page.CommonPrefixes ?? []) {
        const name = common.Prefix?.slice(base.length).replace(/\/$/, "");
        if (name) names.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names;
  }

  /** The variant's .jsonl object keys after `afterKey` (all when absent), oldest first, a page at a time. */
  async *keysAfter(endpointName: string, variantName: string, afterKey: string | undefined): AsyncGenerator<string> {
    const prefix = this.folder(endpointName, variantName);
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          ...(token ? {} : { StartAfter: afterKey }),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith(".jsonl")) yield object.Key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async read(key: string): Promise<string> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return (await object.Body?.transformToString("utf8")) ?? "";
  }
}
