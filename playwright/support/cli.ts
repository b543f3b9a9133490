import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs the real `modelport` CLI with its own config file, as a CI job would. */
export function cliFor() {
  const config = path.join(mkdtempSync(path.join(tmpdir(), "modelport-cli-")), "config.json");
  return async (...args: string[]) => {
    const { stdout } = await run("node", ["scripts/modelport-cli.mjs", ...args], {
      env: { ...process.env, MODELPORT_CONFIG: config, MODELPORT_URL: "", MODELPORT_TOKEN: "" },
      cwd: path.resolve(import.meta.dirname, "../.."),
    });
    return stdout.trim();
  };
}
