import {
  decodeFailedSamples,
  INVOCATION_ANSWER_HEADERS,
  type FailedSample,
  type InvocationOptions,
} from "@/contracts/runtime-invocations";
import type { LocalRuntimeClient } from "@/server/integrations/local-runtime/client";
import { countAnswerLines } from "@/lib/csv/count-answer-lines";
import { BatchInputError } from "@/server/services/batch/batch-columns";

const INVOKE_TIMEOUT_MS = 120_000;

/** The runtime could not answer (down, overloaded, the endpoint gone): the job is retried from its last part. */
export class BatchRuntimeError extends Error {
  override name = "BatchRuntimeError";
}

/** The runtime's answer to a batch of records: one output line per record, and the records it could not score. */
export type ScoredRecords = { lines: string; failed: number; samples: FailedSample[] };

/**
 * Scores a batch of the dataset's records (bytes as read) on the scratch endpoint: the runtime reads the inputs from
 * their columns and writes each output line itself (key columns, row number, outputs, and why a row failed), so rows
 * are parsed once. A 400 is the dataset's problem (a malformed record: the job fails, naming the rows); anything else
 * is the runtime's, and the job is retried.
 */
export async function scoreRecords(
  runtime: LocalRuntimeClient,
  endpointName: string,
  records: Uint8Array<ArrayBuffer>,
  options: InvocationOptions & { firstRow: number; rowErrors: "column" },
  rows: number,
): Promise<ScoredRecords> {
  const response = await runtime
    .invokeCsv(endpointName, records, options, INVOKE_TIMEOUT_MS)
    .catch((error: unknown) => {
      throw new BatchRuntimeError(`The local runtime did not answer: ${String(error)}`);
    });
  const text = await response.text();
  const span = `rows ${options.firstRow}–${options.firstRow + rows - 1}`;
  // The dataset's problem: a record the runtime cannot read (400), or one record larger than it takes (413).
  if (response.status === 400 || response.status === 413) throw new BatchInputError(`${span}: ${refusal(text)}`);
  if (!response.ok) throw new BatchRuntimeError(`The runtime refused ${span} (${response.status}): ${refusal(text)}`);
  const answered = countAnswerLines(text);
  if (answered !== rows)
    throw new BatchRuntimeError(`The runtime answered ${answered} lines for ${rows} rows (${span})`);
  return {
    lines: text,
    failed: Number(response.headers.get(INVOCATION_ANSWER_HEADERS.failedRows) ?? 0),
    samples: decodeFailedSamples(response.headers.get(INVOCATION_ANSWER_HEADERS.failedSamples)),
  };
}

function refusal(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === "string" ? body.error : text.slice(0, 500);
  } catch (error) {
    if (error instanceof SyntaxError) return text.slice(0, 500);
    throw error;
  }
}
