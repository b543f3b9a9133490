import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { splitCsvLine, unquoteCsvField } from "@/server/integrations/sagemaker/csv-filter";
import { permanent, s3RequestError } from "@/server/integrations/sagemaker/errors";
import { parseS3Uri } from "@/server/integrations/sagemaker/model-artifacts";
import { callWithRetry } from "@/server/integrations/sagemaker/retry";

/** A header row longer than this is refused rather than read on. */
const HEADER_BYTES = 64 * 1024;
const PART_BYTES = 16 * 1024 * 1024;

export type CsvHeader = { columns: string[]; bytes: number; objectBytes: number };

function s3Call<T>(config: SageMakerConfig, operation: string, uri: string, send: () => Promise<T>): Promise<T> {
  return callWithRetry(operation, config.retry, send, (error, attempts) =>
    s3RequestError(operation, uri, error, attempts),
  );
}

/** The input's header row (one ranged GET), how many bytes it takes with its line break, and the object's size. */
export async function readCsvHeader(s3: S3Client, config: SageMakerConfig, uri: string): Promise<CsvHeader> {
  const location = parseS3Uri(uri);
  const { text, objectBytes } = await s3Call(config, "GetObject", uri, async () => {
    const answer = await s3.send(new GetObjectCommand({ ...location, Range: `bytes=0-${HEADER_BYTES - 1}` }));
    const total = /\/(\d+)$/.exec(answer.ContentRange ?? "")?.[1];
    const body = (await answer.Body?.transformToString("utf8")) ?? "";
    return { text: body, objectBytes: total ? Number(total) : Buffer.byteLength(body) };
  });
  const end = text.indexOf("\n");
  if (end < 0 && objectBytes > HEADER_BYTES) throw permanent(`${uri}: the header row is longer than 64 KiB`);
  const bytes = end < 0 ? objectBytes : Buffer.byteLength(text.slice(0, end + 1));
  if (bytes >= objectBytes) throw permanent(`${uri} has a header row and no rows to transform`);
  const columns = splitCsvLine(text.slice(0, end).replace(/\r$/, "")).map(unquoteCsvField);
  return { columns, bytes, objectBytes };
}

/**
 * Copies the input without its header row to `stagedUri`: batch transform sends every line of its input to the model
 * and has no option to skip a header. The rows stream through (a ranged GET into a multipart-capable upload), so the
 * worker never holds the file; encrypted as the model artifacts are.
 */
export async function stageHeaderlessInput(
  s3: S3Client,
  config: SageMakerConfig,
  inputUri: string,
  stagedUri: string,
  header: CsvHeader,
): Promise<void> {
  const source = parseS3Uri(inputUri);
  const target = parseS3Uri(stagedUri);
  const encryption = config.s3KmsKeyId
    ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: config.s3KmsKeyId }
    : { ServerSideEncryption: "AES256" as const };
  await s3Call(config, "copy without header", `${inputUri} → ${stagedUri}`, async () => {
    const answer = await s3.send(new GetObjectCommand({ ...source, Range: `bytes=${header.bytes}-` }));
    const body = answer.Body as Readable | undefined;
    if (!body) throw new Error(`GetObject of ${inputUri} answered no body`);
    try {
      await new Upload({
        client: s3,
        params: { ...target, Body: body, ContentType: "text/csv", ...encryption },
        partSize: PART_BYTES,
        queueSize: 2,
      }).done();
    } finally {
      body.destroy();
    }
  });
}
