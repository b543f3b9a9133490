import { RUN_STATUSES } from "@/contracts/enums";
import { AppError } from "@/server/errors";

/**
 * The run filter language, a small MLflow-like subset:
 *
 *   <term> (and <term>)*
 *   term := metrics.<key> <op> <number>
 *         | params.<key> <op> (<number> | <string>)
 *         | attributes.<status|name|user|gitCommit> <op> <string>
 *         | tags.<key> (= | !=) <string>
 *   op   := = | != | < | <= | > | >=
 *
 * `and` is case-insensitive. Keys with characters outside [A-Za-z0-9_.:/-] are quoted with backticks.
 * Strings use double or single quotes; a backslash escapes the next character. Positions in error
 * messages are 1-based character offsets into the expression.
 */

export const FILTER_OPERATORS = ["=", "!=", "<", "<=", ">", ">="] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const FILTER_ATTRIBUTES = ["status", "name", "user", "gitCommit"] as const;
export type FilterAttribute = (typeof FILTER_ATTRIBUTES)[number];

export type FilterValue = { kind: "number"; value: number } | { kind: "string"; value: string };

export type FilterTerm =
  | { entity: "metric"; key: string; op: FilterOperator; value: number }
  | { entity: "param"; key: string; op: FilterOperator; value: FilterValue }
  | { entity: "tag"; key: string; op: "=" | "!="; value: string }
  | { entity: "attribute"; key: FilterAttribute; op: FilterOperator; value: string };

export const MAX_FILTER_LENGTH = 4000;
export const MAX_FILTER_TERMS = 50;

type Entity = FilterTerm["entity"];

const ENTITY_PREFIXES: Record<string, Entity> = {
  metrics: "metric",
  metric: "metric",
  params: "param",
  param: "param",
  tags: "tag",
  tag: "tag",
  attributes: "attribute",
  attribute: "attribute",
  attr: "attribute",
};

const IDENTIFIER_HINT = "an identifier like metrics.<key>, params.<key>, tags.<key> or attributes.<name>";
const BARE_KEY_CHAR = /[A-Za-z0-9_.:/-]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const NUMBER_CHAR = /[0-9.eE+-]/;
const NUMBER_SYNTAX = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function filterError(message: string): AppError {
  return new AppError("BAD_REQUEST", `Invalid filter: ${message}`);
}

/** Recursive-descent scanner over the raw text; `pos` is the 0-based index of the next character. */
class FilterParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parse(): FilterTerm[] {
    const terms: FilterTerm[] = [this.term(null)];
    for (;;) {
      this.skipSpaces();
      if (this.atEnd()) return terms;
      const wordStart = this.pos;
      const word = this.readWord();
      if (word.toLowerCase() !== "and") {
        throw filterError(
          `Expected "and" or the end of the filter at position ${wordStart + 1}${this.found(wordStart)}`,
        );
      }
      if (terms.length >= MAX_FILTER_TERMS) throw filterError(`At most ${MAX_FILTER_TERMS} conditions are allowed`);
      terms.push(this.term(word));
    }
  }

  private term(afterAnd: string | null): FilterTerm {
    this.skipSpaces();
    const identifierStart = this.pos;
    const { entity, key } = this.identifier(afterAnd);
    const identifierText = this.text.slice(identifierStart, this.pos);
    const opStart = this.pos;
    const op = this.operator(identifierText);
    const context = `${identifierText} ${op}`;
    switch (entity) {
      case "metric":
        return { entity, key, op, value: this.numberValue(context) };
      case "param":
        return { entity, key, op, value: this.paramValue(context) };
      case "tag":
        if (op !== "=" && op !== "!=") {
          throw filterError(
            `Tags can only be compared with = or != (found "${op}" after "${identifierText}" at position ${this.operatorPosition(opStart)})`,
          );
        }
        return { entity, key, op, value: this.stringValue(context) };
      case "attribute":
        return {
          entity,
          key: this.attributeName(key, identifierStart),
          op,
          value: this.attributeValue(key, op, opStart, context),
        };
    }
  }

  private identifier(afterAnd: string | null): { entity: Entity; key: string } {
    const start = this.pos;
    const where = afterAnd === null ? "" : ` after "${afterAnd}"`;
    if (this.atEnd())
      throw filterError(`Expected ${IDENTIFIER_HINT}${where} at position ${start + 1}, but the filter ended`);
    const prefix = this.readWord();
    if (prefix === "")
      throw filterError(`Expected ${IDENTIFIER_HINT}${where} at position ${start + 1}${this.found(start)}`);
    const entity = ENTITY_PREFIXES[prefix.toLowerCase()];
    if (!entity) {
      throw filterError(
        `Unknown field type "${prefix}" at position ${start + 1}: expected metrics, params, tags or attributes`,
      );
    }
    if (this.peek() !== ".") {
      throw filterError(`Expected "." and a key after "${prefix}" at position ${this.pos + 1}${this.found(this.pos)}`);
    }
    this.pos += 1;
    return { entity, key: this.key(prefix) };
  }

  private key(prefix: string): string {
    const start = this.pos;
    if (this.peek() === "`") {
      const close = this.text.indexOf("`", start + 1);
      if (close === -1) throw filterError(`Unterminated backtick-quoted key starting at position ${start + 1}`);
      const key = this.text.slice(start + 1, close);
      if (key === "") throw filterError(`Empty key after "${prefix}." at position ${start + 1}`);
      this.pos = close + 1;
      return key;
    }
    while (!this.atEnd() && BARE_KEY_CHAR.test(this.text[this.pos] ?? "")) this.pos += 1;
    if (this.pos === start) {
      throw filterError(
        `Expected a key after "${prefix}." at position ${start + 1}${this.found(start)} (quote keys with special characters in backticks)`,
      );
    }
    return this.text.slice(start, this.pos);
  }

  private operator(identifierText: string): FilterOperator {
    this.skipSpaces();
    const start = this.pos;
    const two = this.text.slice(start, start + 2);
    const one = this.text.slice(start, start + 1);
    const op =
      (["!=", "<=", ">="] as const).find((o) => o === two) ?? (["=", "<", ">"] as const).find((o) => o === one);
    if (!op) {
      throw filterError(
        `Expected an operator after "${identifierText}" at position ${start + 1}${this.found(start)}; use one of =, !=, <, <=, >, >=`,
      );
    }
    this.pos += op.length;
    return op;
  }

  private numberValue(context: string): number {
    this.skipSpaces();
    const value = this.tryNumber();
    if (value === null)
      throw filterError(`Expected a number after "${context}" at position ${this.pos + 1}${this.found(this.pos)}`);
    return value;
  }

  private paramValue(context: string): FilterValue {
    this.skipSpaces();
    if (this.peek() === '"' || this.peek() === "'") return { kind: "string", value: this.quoted() };
    const value = this.tryNumber();
    if (value === null) {
      throw filterError(
        `Expected a number or a quoted string after "${context}" at position ${this.pos + 1}${this.found(this.pos)}`,
      );
    }
    return { kind: "number", value };
  }

  private stringValue(context: string): string {
    this.skipSpaces();
    if (this.peek() !== '"' && this.peek() !== "'") {
      throw filterError(
        `Expected a quoted string after "${context}" at position ${this.pos + 1}${this.found(this.pos)}`,
      );
    }
    return this.quoted();
  }

  private attributeName(key: string, identifierStart: number): FilterAttribute {
    const attribute = FILTER_ATTRIBUTES.find((a) => a.toLowerCase() === key.toLowerCase());
    if (!attribute) {
      throw filterError(
        `Unknown attribute "${key}" at position ${identifierStart + 1}: expected one of ${FILTER_ATTRIBUTES.join(", ")}`,
      );
    }
    return attribute;
  }

  private attributeValue(key: string, op: FilterOperator, opStart: number, context: string): string {
    const isStatus = key.toLowerCase() === "status";
    if (isStatus && op !== "=" && op !== "!=") {
      throw filterError(
        `attributes.status can only be compared with = or != (found "${op}" at position ${this.operatorPosition(opStart)})`,
      );
    }
    this.skipSpaces();
    const start = this.pos;
    const value = this.stringValue(context);
    if (!isStatus) return value;
    const status = RUN_STATUSES.find((s) => s === value.toUpperCase());
    if (!status) {
      throw filterError(
        `Unknown status "${value}" at position ${start + 1}: expected one of ${RUN_STATUSES.join(", ")}`,
      );
    }
    return status;
  }

  private tryNumber(): number | null {
    const start = this.pos;
    if (!/[-.0-9]/.test(this.peek())) return null;
    let end = start + 1;
    while (end < this.text.length && NUMBER_CHAR.test(this.text[end] ?? "")) end += 1;
    const raw = this.text.slice(start, end);
    const value = Number(raw);
    if (!NUMBER_SYNTAX.test(raw) || !Number.isFinite(value)) {
      throw filterError(`Invalid number "${raw}" at position ${start + 1}`);
    }
    this.pos = end;
    return value;
  }

  private quoted(): string {
    const start = this.pos;
    const quote = this.peek();
    let value = "";
    let index = start + 1;
    while (index < this.text.length) {
      const char = this.text[index];
      if (char === quote) {
        this.pos = index + 1;
        return value;
      }
      if (char === "\\" && index + 1 < this.text.length) {
        value += this.text[index + 1];
        index += 2;
      } else {
        value += char;
        index += 1;
      }
    }
    throw filterError(`Unterminated string starting at position ${start + 1}`);
  }

  /** 1-based position of the operator that starts at or after `from` (spaces skipped). */
  private operatorPosition(from: number): number {
    let index = from;
    while (/\s/.test(this.text[index] ?? "")) index += 1;
    return index + 1;
  }

  private readWord(): string {
    const start = this.pos;
    while (!this.atEnd() && WORD_CHAR.test(this.text[this.pos] ?? "")) this.pos += 1;
    return this.text.slice(start, this.pos);
  }

  private found(at: number): string {
    if (at >= this.text.length) return ", but the filter ended";
    const rest = this.text.slice(at);
    const token = /^\S+/.exec(rest)?.[0] ?? rest;
    return ` (found "${token.length > 20 ? `${token.slice(0, 20)}…` : token}")`;
  }

  private skipSpaces() {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] ?? "")) this.pos += 1;
  }

  private peek(): string {
    return this.text[this.pos] ?? "";
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }
}

/** Parses a run filter; an empty or blank filter matches every run. Throws AppError("BAD_REQUEST"). */
export function parseRunFilter(text: string | undefined | null): FilterTerm[] {
  if (!text || text.trim() === "") return [];
  if (text.length > MAX_FILTER_LENGTH) throw filterError(`The filter is longer than ${MAX_FILTER_LENGTH} characters`);
  return new FilterParser(text).parse();
}
