export type Writer = { write(text: string): unknown };

export type Output = {
  json: boolean;
  stdout: Writer;
  stderr: Writer;
};

/** Prints the human text, or with --json the machine-readable result, on stdout. */
export function emit(out: Output, result: unknown, human: string): void {
  out.stdout.write(out.json ? JSON.stringify(result, null, 2) + "\n" : human + "\n");
}

/** Progress notes go to stderr so that stdout stays parseable. Silent with --json. */
export function note(out: Output, text: string): void {
  if (!out.json) out.stderr.write(text + "\n");
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** Plain-text columns for list output. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}
