import type { ApiClient } from "@/cli/api-client";
import type { Env } from "@/cli/config";
import type { Output } from "@/cli/output";

export type CommandContext = {
  out: Output;
  env: Env;
  /** The API client for the saved or environment-given connection; fails with a usage error when there is none. */
  api: () => Promise<ApiClient>;
};

/**
 * One CLI command: `parse` is pure (argv after the command words → typed input), `execute` does the work and may
 * return an exit code for a check it reports on (e.g. `gate show` exits 1 on a failed gate); nothing means 0.
 */
export type Command<Input> = {
  words: string[];
  summary: string;
  help: string;
  parse(argv: string[]): Input;
  execute(ctx: CommandContext, input: Input): Promise<number | void>;
};

/** The same command with its input type hidden, so different commands can share one table. */
export type RunnableCommand = {
  words: string[];
  summary: string;
  help: string;
  run(ctx: CommandContext, argv: string[]): Promise<number | void>;
};

export function defineCommand<Input>(command: Command<Input>): Command<Input> & RunnableCommand {
  return { ...command, run: (ctx, argv) => command.execute(ctx, command.parse(argv)) };
}
