import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "@/cli/errors";
import { parsePositiveInt } from "@/cli/values";

/** node:util parseArgs in strict mode, with its errors turned into usage errors that carry the help text. */
export function parseOptions<T extends ParseArgsConfig>(config: T, help: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(error.message, help);
    }
    throw error;
  }
}

/** Splits the words of a command line from the global flags, which may appear anywhere before `--`. */
export function extractGlobalFlags(argv: string[]) {
  const end = argv.indexOf("--");
  const head = end === -1 ? argv : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);
  const isGlobal = (arg: string) => arg === "--json" || arg === "--help" || arg === "-h";
  return {
    json: head.includes("--json"),
    help: head.includes("--help") || head.includes("-h"),
    rest: [...head.filter((arg) => !isGlobal(arg)), ...tail],
  };
}

export function requirePositionals(positionals: string[], names: string[], help: string): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`Missing ${names.slice(positionals.length).join(" ")}`, help);
  }
  if (positionals.length > names.length) {
    throw new UsageError(`Unexpected argument "${positionals[names.length]}"`, help);
  }
  return positionals;
}

export function parsePositiveIntOption(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : parsePositiveInt(value, flag);
}
