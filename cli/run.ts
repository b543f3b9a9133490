import { createApiClient } from "@/cli/api-client";
import type { CommandContext } from "@/cli/command";
import { COMMANDS } from "@/cli/commands";
import { configPath, readSavedConnection, resolveConnection, type Env } from "@/cli/config";
import { dispatch, groupHelp, overviewHelp } from "@/cli/dispatch";
import { ApiError, EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, UsageError } from "@/cli/errors";
import type { Output, Writer } from "@/cli/output";
import { extractGlobalFlags } from "@/cli/parse-options";

export type CliIo = { env: Env; stdout: Writer; stderr: Writer };

function reportError(out: Output, error: UsageError | ApiError, hint?: string) {
  if (out.json) {
    const code = error instanceof ApiError ? error.code : "USAGE";
    out.stderr.write(JSON.stringify({ error: { code, message: error.message } }) + "\n");
    return;
  }
  out.stderr.write(`error: ${error.message}\n${hint ? `${hint}\n` : ""}`);
}

/** Runs one command line and returns the process exit code (0 ok, 1 API error or failed check, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { json, help, rest } = extractGlobalFlags(argv);
  const out: Output = { json, stdout: io.stdout, stderr: io.stderr };
  const target = dispatch(rest, COMMANDS);
  if (target.kind === "overview") {
    (help || rest[0] === "help" ? io.stdout : io.stderr).write(overviewHelp(COMMANDS));
    return help || rest[0] === "help" ? EXIT_OK : EXIT_USAGE;
  }
  if (target.kind === "group") {
    (help ? io.stdout : io.stderr).write(groupHelp(target.group, target.commands));
    return help ? EXIT_OK : EXIT_USAGE;
  }
  if (target.kind === "unknown") {
    reportError(
      out,
      new UsageError(`Unknown command "${target.words}"`),
      "Run modelport --help for the list of commands.",
    );
    return EXIT_USAGE;
  }
  const { command } = target;
  if (help) {
    io.stdout.write(command.help);
    return EXIT_OK;
  }
  const ctx: CommandContext = {
    out,
    env: io.env,
    api: async () => createApiClient(resolveConnection(io.env, await readSavedConnection(configPath(io.env)))),
  };
  try {
    return (await command.run(ctx, target.argv)) ?? EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError) {
      reportError(out, error, error.help ? `Run modelport ${command.words.join(" ")} --help for usage.` : undefined);
      return EXIT_USAGE;
    }
    if (error instanceof ApiError) {
      reportError(out, error);
      return EXIT_API_ERROR;
    }
    throw error;
  }
}
