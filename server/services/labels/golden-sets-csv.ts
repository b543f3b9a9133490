import { type OutcomeSpec } from "@/contracts/outcomes";
import { type TensorSpec } from "@/contracts/signature";
import { GOLDEN_CSV_MAX_ROWS } from "@/contracts/golden-sets";
import { AppError, badRequest } from "@/server/errors";
import { CSV_NUMBER, typedCell } from "@/lib/csv/typed-cell";
import type { FeatureValue, GoldenRowContent } from "@/server/services/labels/golden-sets-hash";

/** Splits CSV text into records of raw string fields (RFC 4180: quoted fields, "" for a quote, CRLF or LF). */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const body = text.startsWith("\ufeff") ? text.slice(1) : text;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (body[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && body[i + 1] === "\n") i++;
      row.push(field);
      records.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw badRequest("Golden set CSV: a quoted field is not closed", { code: "GOLDEN_CSV_INVALID" });
  if (field !== "" || row.length > 0) records.push([...row, field]);
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** A CSV problem at a row (1-based data row, the header is row 0) and column: 400 with both named. */
const cellError = (row: number, column: string, message: string) =>
  badRequest(`Golden set CSV row ${row}, column "${column}": ${message}`, { code: "GOLDEN_CSV_INVALID", row, column });

type Parsed = { featureNames: string[]; rows: GoldenRowContent[] };

function checkHeader(header: string[], inputs: readonly TensorSpec[], expectedColumn: string) {
  const names = header.map((name) => name.trim());
  const wanted = new Set([...inputs.map((input) => input.name), expectedColumn]);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw cellError(0, name, "the column appears twice");
    seen.add(name);
    if (!wanted.has(name)) throw cellError(0, name, "is not an input of the model's latest signature");
  }
  for (const name of wanted) if (!seen.has(name)) throw cellError(0, name, "is missing");
  return names;
}

function expectedOutcome(raw: string, spec: OutcomeSpec, row: number, column: string) {
  const text = raw.trim();
  if (spec.kind === "classification") {
    if (!spec.classes.includes(text))
      throw cellError(row, column, `"${raw}" is not one of the model's classes (${spec.classes.join(", ")})`);
    return { expectedLabel: text, expectedValue: null };
  }
  if (!CSV_NUMBER.test(text) || !Number.isFinite(Number(text)))
    throw cellError(row, column, `expected a number, got "${raw}"`);
  return { expectedLabel: null, expectedValue: Number(text) };
}

/**
 * Parses and validates an uploaded golden set against the model's latest signature and outcome classes. The whole
 * file is checked before anything is written; the first problem answers 400 naming its row and column.
 */
export function parseGoldenCsv(
  text: string,
  inputs: readonly TensorSpec[],
  spec: OutcomeSpec,
  expectedColumn: string,
): Parsed {
  const records = csvRecords(text);
  const [header, ...data] = records;
  if (!header) throw badRequest("Golden set CSV is empty (expected a header row)", { code: "GOLDEN_CSV_INVALID" });
  if (data.length === 0) throw badRequest("Golden set CSV has no data rows", { code: "GOLDEN_CSV_INVALID" });
  if (data.length > GOLDEN_CSV_MAX_ROWS)
    throw new AppError("PAYLOAD_TOO_LARGE", `Golden set CSV has more than ${GOLDEN_CSV_MAX_ROWS} rows`, {
      code: "GOLDEN_CSV_TOO_LARGE",
      maxRows: GOLDEN_CSV_MAX_ROWS,
    });
  const names = checkHeader(header, inputs, expectedColumn);
  const position = new Map(names.map((name, i) => [name, i]));
  const rows = data.map((fields, r) => {
    const row = r + 1;
    if (fields.length !== names.length)
      throw cellError(
        row,
        names[Math.min(fields.length, names.length - 1)]!,
        `the row has ${fields.length} fields, the header ${names.length}`,
      );
    const features: Record<string, FeatureValue> = {};
    for (const input of inputs) {
      const value = typedCell(fields[position.get(input.name)!]!, input.type);
      const isProblem = typeof value === "string" && input.type !== "string";
      if (isProblem) throw cellError(row, input.name, value);
      features[input.name] = value;
    }
    const outcome = expectedOutcome(fields[position.get(expectedColumn)!]!, spec, row, expectedColumn);
    return { features, ...outcome, provenance: { source: "csv", row } };
  });
  return { featureNames: inputs.map((input) => input.name), rows };
}
