import type { RunnableCommand } from "@/cli/command";

export type Dispatch =
  | { kind: "command"; command: RunnableCommand; argv: string[] }
  | { kind: "group"; group: string; commands: RunnableCommand[] }
  | { kind: "overview" }
  | { kind: "unknown"; words: string };

/** Finds the command named by the first words of the command line. */
export function dispatch(rest: string[], commands: RunnableCommand[]): Dispatch {
  const command = commands.find((c) => c.words.every((word, i) => rest[i] === word));
  if (command) return { kind: "command", command, argv: rest.slice(command.words.length) };
  const first = rest[0];
  if (first === undefined || first === "help") return { kind: "overview" };
  const group = commands.filter((c) => c.words.length > 1 && c.words[0] === first);
  if (group.length > 0 && (rest.length === 1 || rest[1]?.startsWith("-")))
    return { kind: "group", group: first, commands: group };
  return {
    kind: "unknown",
    words: rest
      .filter((arg) => !arg.startsWith("-"))
      .slice(0, 2)
      .join(" "),
  };
}

export function overviewHelp(commands: RunnableCommand[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(" ").length));
  const lines = commands.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "Usage: modelport <command> [options]",
    "",
    "Log runs and register models in Modelport from pipelines and terminals.",
    "",
    "Commands:",
    ...lines,
    "",
    "Global options:",
    "  --json   Machine-readable output on stdout",
    "  --help   Help for a command, e.g. modelport runs log --help",
    "",
    "Connection: `modelport login`, or MODELPORT_URL and MODELPORT_TOKEN in the environment.",
    "",
  ].join("\n");
}

export function groupHelp(group: string, commands: RunnableCommand[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(" ").length));
  return [
    `Usage: modelport ${group} <command> [options]`,
    "",
    ...commands.map((c) => `  ${c.words.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    `Run modelport ${group} <command> --help for its options.`,
    "",
  ].join("\n");
}
