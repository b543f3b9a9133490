import { z } from "zod";

/**
 * The runtime's CSV protocol for scoring many rows at once: POST /v1/endpoints/:name/invocations with
 * `Content-Type: text/csv`, records without a header (RFC 4180: quoted fields, LF or CRLF; empty lines are skipped).
 * With no options it is SageMaker's CSV convention: each record holds the signature's inputs in order and each answer
 * line the model's outputs in signature order. A batch job's options let the runtime read the inputs out of the
 * dataset's own records and write the job's output lines itself, so rows are parsed once, where they are scored.
 */
export const INVOCATIONS_CONTENT_TYPE = "text/csv";

export const INVOCATION_HEADERS = {
  /** Each signature input's column in the record (0-based), in signature order. */
  inputColumns: "x-modelport-input-columns",
  /** Columns copied to the start of each answer line (a batch job's key columns). */
  echoColumns: "x-modelport-echo-columns",
  /** Each answer line carries its row number, counting from this one, after the echoed columns. */
  firstRow: "x-modelport-first-row",
  /**
   * `column`: a row that cannot be scored (a cell not of its input's type, a short record) answers with its reason in
   * a last column, and the others are scored; without it such a row refuses the whole request (400 naming the row).
   */
  rowErrors: "x-modelport-row-errors",
} as const;

/**
 * Answer headers: how many rows failed, the first few of them (JSON: [{ rowIndex, message }]), and the variant (and
 * its model version, when known) that scored the request.
 */
export const INVOCATION_ANSWER_HEADERS = {
  failedRows: "x-modelport-failed-rows",
  failedSamples: "x-modelport-failed-samples",
  variant: "x-modelport-variant",
  modelVersion: "x-modelport-model-version",
} as const;

/** At most this many failed rows are described in the answer's header, each message cut to MAX_SAMPLE_MESSAGE. */
export const MAX_FAILED_SAMPLES = 10;
export const MAX_SAMPLE_MESSAGE = 300;

/** At most this many columns in a record (a dataset's header is at most 1 MiB). */
export const MAX_CSV_COLUMNS = 1_000_000;

/**
 * A list of 0-based column indexes, runs written as ranges ("0,3-40,2"), so a wide model's inputs fit in a header.
 * Ranges ascend; each index is below MAX_CSV_COLUMNS.
 */
const columnList = z
  .string()
  .regex(/^\d{1,7}(-\d{1,7})?(,\d{1,7}(-\d{1,7})?)*$/, "a comma-separated list of column indexes (0-based) or ranges")
  .transform((text, ctx) => {
    const columns: number[] = [];
    for (const item of text.split(",")) {
      const [from, to = from] = item.split("-").map(Number) as [number, number?];
      if (to < from || to >= MAX_CSV_COLUMNS) {
        ctx.addIssue({
          code: "custom",
          message: `"${item}" is not an ascending range of columns below ${MAX_CSV_COLUMNS}`,
        });
        return z.NEVER;
      }
      for (let column = from; column <= to; column++) columns.push(column);
      if (columns.length > MAX_CSV_COLUMNS) {
        ctx.addIssue({ code: "custom", message: `more than ${MAX_CSV_COLUMNS} columns` });
        return z.NEVER;
      }
    }
    return columns;
  });

/** Columns as a header writes them: runs of three or more consecutive columns as ranges. */
export function columnListText(columns: readonly number[]): string {
  const items: string[] = [];
  for (let i = 0; i < columns.length;) {
    let end = i;
    while (end + 1 < columns.length && columns[end + 1] === columns[end]! + 1) end++;
    if (end - i >= 2) items.push(`${columns[i]}-${columns[end]}`);
    else for (let k = i; k <= end; k++) items.push(String(columns[k]));
    i = end + 1;
  }
  return items.join(",");
}

export const invocationOptionsSchema = z.object({
  inputColumns: columnList.optional(),
  echoColumns: columnList.optional(),
  firstRow: z
    .string()
    .regex(/^\d{1,15}$/, "a row number")
    .transform(Number)
    .optional(),
  rowErrors: z.enum(["column"]).optional(),
});
export type InvocationOptions = z.output<typeof invocationOptionsSchema>;

export const failedSampleSchema = z.object({ rowIndex: z.number().int().min(0), message: z.string() });
export type FailedSample = z.infer<typeof failedSampleSchema>;

/** The request headers that carry `options`. */
export function invocationHeaders(options: InvocationOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.inputColumns) headers[INVOCATION_HEADERS.inputColumns] = columnListText(options.inputColumns);
  if (options.echoColumns) headers[INVOCATION_HEADERS.echoColumns] = columnListText(options.echoColumns);
  if (options.firstRow !== undefined) headers[INVOCATION_HEADERS.firstRow] = String(options.firstRow);
  if (options.rowErrors) headers[INVOCATION_HEADERS.rowErrors] = options.rowErrors;
  return headers;
}

/** The most bytes the failed samples' header takes (HTTP clients refuse headers past 16 KiB in all). */
export const MAX_SAMPLES_HEADER_BYTES = 4096;

/**
 * The failed samples as an answer header's value: JSON with every character outside printable ASCII escaped, as
 * many samples as fit in MAX_SAMPLES_HEADER_BYTES.
 */
export function encodeFailedSamples(samples: readonly FailedSample[]): string {
  const escape = (text: string) =>
    text.replace(/[^\x20-\x7e]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
  const kept: string[] = [];
  let size = 2;
  for (const sample of samples) {
    const encoded = escape(JSON.stringify(sample));
    if (size + encoded.length + 1 > MAX_SAMPLES_HEADER_BYTES) break;
    kept.push(encoded);
    size += encoded.length + 1;
  }
  return `[${kept.join(",")}]`;
}

/** The failed samples an answer describes; a missing or malformed header reads as none. */
export function decodeFailedSamples(header: string | null): FailedSample[] {
  if (header === null) return [];
  try {
    const parsed = z.array(failedSampleSchema).safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : [];
  } catch (error) {
    if (error instanceof SyntaxError) return [];
    throw error;
  }
}
