import type { OutputValue, Prediction } from "@/contracts/runtime-predict";
import { signatureSchema, type Signature, type TensorSpec } from "@/contracts/signature";
import { CsvByteRecords, csvField } from "@/lib/csv/csv-byte-records";
import { typedCell } from "@/lib/csv/typed-cell";
import { errorMessage } from "@/lib/error-message";
import type { ComponentPredictionSource } from "@/server/integrations/sagemaker/component-predictions";
import { AppError, conflict } from "@/server/errors";
import { SageMakerRequestError } from "@/server/integrations/sagemaker/errors";
import type { SystemContext } from "@/server/services/context";
import type { SendPredictionResult } from "@/server/services/endpoints/schemas";

/** How long a caller is told to wait while a sleeping component's first copy starts (SageMaker takes minutes). */
export const COMPONENT_WAKE_RETRY_SECONDS = 60;

type HostedEndpoint = {
  name: string;
  variants: { version: { version: number; signature: unknown } }[];
};

function predictionsFrom(ctx: Pick<SystemContext, "sageMakerPredictions">): ComponentPredictionSource {
  if (!ctx.sageMakerPredictions)
    throw new AppError("UNAVAILABLE", "SageMaker is not configured here (MODELPORT_SAGEMAKER_*)");
  try {
    return ctx.sageMakerPredictions();
  } catch (error) {
    throw new AppError("UNAVAILABLE", `SageMaker is not configured here: ${errorMessage(error)}`);
  }
}

/** One CSV cell (a text with a comma, quote or line break quoted, as RFC 4180 says). */
function csvCell(value: unknown): string | undefined {
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") return String(value);
  return typeof value === "string" ? csvField(value) : undefined;
}

/** The rows as SageMaker's CSV convention takes them: one record per row, the signature's inputs in order. */
export function rowsAsCsv(signature: Signature, rows: Record<string, unknown>[]): string {
  return rows
    .map((row, rowIndex) =>
      signature.inputs
        .map(({ name }) => {
          const cell = csvCell(row[name]);
          if (cell === undefined)
            throw new AppError(
              "BAD_REQUEST",
              name in row ? `${name} must be a number, a text or true/false` : `Row ${rowIndex + 1} has no ${name}`,
              { field: name, rowIndex },
            );
          return cell;
        })
        .join(","),
    )
    .map((record) => `${record}\n`)
    .join("");
}

/** SageMaker answered something that is not one answer line per row in the serving image's CSV: not the caller's fault. */
const malformed = (why: string) => new AppError("UNAVAILABLE", `SageMaker's answer is not the model's CSV: ${why}`);

function jsonOf(cell: string): unknown {
  try {
    return JSON.parse(cell) as unknown;
  } catch {
    throw malformed(`"${cell.slice(0, 80)}" is not JSON`);
  }
}

/** One output's cell: a scalar as the serving image writes it, a wider output as a JSON array in one quoted cell. */
function outputValue(cell: string, type: TensorSpec["type"]): OutputValue {
  if (!cell.trimStart().startsWith("[")) {
    const value = typedCell(cell, type);
    if (typeof value === "string" && type !== "string") throw malformed(value);
    return value;
  }
  const parsed = jsonOf(cell);
  if (!Array.isArray(parsed) || parsed.some((v) => !["number", "string", "boolean"].includes(typeof v)))
    throw malformed(`"${cell.slice(0, 80)}" is not an array of values`);
  return parsed as Array<number | string | boolean>;
}

/**
 * The answer lines (the serving image's CSV route: one line per record, the signature's outputs in order), each
 * mapped to the outputs by name; a line count or cell count other than the request's is SageMaker's fault.
 */
export function predictionsFromCsv(signature: Signature, csv: Uint8Array, rows: number): Prediction[] {
  const parser = new CsvByteRecords(0, false);
  const records = [...parser.push(csv), ...parser.end()];
  if (records.length !== rows) throw malformed(`${records.length} answer lines for ${rows} rows`);
  return records.map(({ fields }, index) => {
    if (fields.length !== signature.outputs.length)
      throw malformed(
        `line ${index + 1} has ${fields.length} cells; the signature has ${signature.outputs.length} outputs`,
      );
    return Object.fromEntries(
      signature.outputs.map((output, column) => [output.name, outputValue(fields[column]!, output.type)]),
    );
  });
}

/**
 * SageMaker's refusal in the portal's terms: the container's 4xx is the rows' fault (422, its words); its 5xx, a
 * component gone since it was looked up (a release replaced it) and SageMaker's own trouble are a 503.
 */
function refusalOf(error: SageMakerRequestError): AppError {
  const containerStatus = (error.cause as { OriginalStatusCode?: number } | undefined)?.OriginalStatusCode;
  if (error.awsErrorName === "ModelError" && containerStatus !== undefined && containerStatus < 500)
    return new AppError("UNPROCESSABLE", `The model refused the rows: ${error.awsMessage}`);
  if (error.awsErrorName === "ValidationError" && !/not found/i.test(error.awsMessage))
    return new AppError("BAD_REQUEST", error.awsMessage);
  return new AppError("UNAVAILABLE", error.message, { retryAfterSeconds: 10 });
}

/**
 * Sends rows to one version of a SageMaker endpoint hosting inference components (the serving version unless the
 * caller names another the endpoint hosts), by the component's name. A component asleep at zero copies answers 503
 * with Retry-After — SageMaker's alarm starts a copy meanwhile — never an answer from another version.
 */
export async function predictOnComponents(
  ctx: Pick<SystemContext, "sageMakerPredictions">,
  endpoint: HostedEndpoint,
  rows: Record<string, unknown>[],
  chosen: number | undefined,
): Promise<SendPredictionResult> {
  const hosted = endpoint.variants.find((variant) => chosen === undefined || variant.version.version === chosen);
  if (!hosted)
    throw conflict(
      endpoint.variants.length === 0
        ? `${endpoint.name} serves no version yet`
        : `${endpoint.name} does not host version ${chosen} (it hosts ${endpoint.variants.map((v) => v.version.version).join(", ")})`,
    );
  const signature = signatureSchema.safeParse(hosted.version.signature);
  if (!signature.success) throw conflict(`Version ${hosted.version.version} has no valid input signature`);
  const csv = new TextEncoder().encode(rowsAsCsv(signature.data, rows));
  const started = performance.now();
  const answer = await predictionsFrom(ctx)
    .predict(endpoint.name, hosted.version.version, csv)
    .catch((error: unknown) => {
      throw error instanceof SageMakerRequestError ? refusalOf(error) : error;
    });
  if (answer.kind === "not-hosted")
    throw new AppError(
      "UNAVAILABLE",
      `No inference component of ${endpoint.name} runs version ${hosted.version.version} now (a release may be replacing it)`,
      { retryAfterSeconds: 10 },
    );
  if (answer.kind === "asleep")
    throw new AppError(
      "UNAVAILABLE",
      `Version ${hosted.version.version} of ${endpoint.name} is asleep at zero copies and is waking; retry in ${COMPONENT_WAKE_RETRY_SECONDS} s (${answer.message})`,
      { retryAfterSeconds: COMPONENT_WAKE_RETRY_SECONDS },
    );
  return {
    predictionId: answer.requestId ?? answer.component,
    variant: answer.component,
    modelVersion: hosted.version.version,
    predictions: predictionsFromCsv(signature.data, answer.body, rows.length),
    featureSources: null,
    fallback: null,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
