import { UsageError } from "@/cli/errors";

/** `k=v` pairs (the value may itself contain `=`) into an object; later duplicates win. */
export function parseKeyValues(pairs: string[] | undefined, flag: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf("=");
    const key = at === -1 ? "" : pair.slice(0, at).trim();
    if (!key) throw new UsageError(`${flag} expects key=value, got "${pair}"`);
    result[key] = pair.slice(at + 1);
  }
  return result;
}

export type MetricPoint = { key: string; value: number; step: number; timestamp?: number };

/** `--metric key=value[@step]`; the step defaults to 0. */
export function parseMetricArg(arg: string): MetricPoint {
  const match = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(arg);
  const key = match?.[1]?.trim();
  if (!match || !key) throw new UsageError(`--metric expects key=value[@step], got "${arg}"`);
  const value = parseFiniteNumber(match[2] ?? "");
  if (value === undefined) throw new UsageError(`--metric ${key}: "${match[2]}" is not a number`);
  const step = match[3] === undefined ? 0 : parseStep(match[3]);
  if (step === undefined) throw new UsageError(`--metric ${key}: step "${match[3]}" is not a non-negative integer`);
  return { key, value, step };
}

export function parseFiniteNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const MAX_STEP = 2 ** 31 - 1;

/** Steps are stored as 32-bit integers. */
export function parseStep(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const step = Number(text);
  return step <= MAX_STEP ? step : undefined;
}

export function parseChoice<T extends string>(value: string, choices: readonly T[], flag: string): T {
  const match = choices.find((c) => c.toLowerCase() === value.toLowerCase());
  if (!match) throw new UsageError(`${flag} must be one of ${choices.join(", ")}; got "${value}"`);
  return match;
}

export function parsePositiveInt(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${what} must be a positive whole number; got "${value}"`);
  }
  return Number(value);
}
