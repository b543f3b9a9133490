import { badRequest } from "@/server/errors";
import type { SampleColumns } from "@/server/services/drift/reference-profile";

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes as "" and newlines). */
function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const endRecord = () => {
    row.push(field);
    rows.push(row);
    row = [];
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += ch;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
    } else {
      field += ch;
    }
  }
  if (quoted) throw badRequest("Reference sample: a quoted field is not closed");
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows.filter((fields) => !(fields.length === 1 && fields[0] === ""));
}

function cellValue(text: string): number | string {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : text;
}

/**
 * Parses a training-sample CSV (header row, then one row per example) into columns. Cells that look like numbers
 * become numbers, everything else stays a string; every row must have as many fields as the header.
 */
export function parseSampleCsv(text: string): { columns: SampleColumns; rowCount: number } {
  const [header, ...rows] = records(text.startsWith("\ufeff") ? text.slice(1) : text);
  if (!header) throw badRequest("Reference sample is empty (expected a header row)");
  const names = header.map((name) => name.trim());
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw badRequest(`Reference sample has the column "${duplicate}" twice`);
  const columns = names.map(() => new Array<number | string>(rows.length));
  rows.forEach((fields, row) => {
    if (fields.length !== names.length) {
      throw badRequest(`Reference sample: row ${row + 1} has ${fields.length} fields, the header has ${names.length}`, {
        row: row + 1,
      });
    }
    fields.forEach((field, column) => (columns[column]![row] = cellValue(field)));
  });
  return { columns: Object.fromEntries(names.map((name, index) => [name, columns[index]!])), rowCount: rows.length };
}
