import { describe, expect, it } from "vitest";
import { runCli } from "@/cli/run";

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    env: { MODELPORT_CONFIG: "/nonexistent/modelport.json", ...env },
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

describe("runCli exit codes and help", () => {
  it("prints help with exit 0 for --help at every level", async () => {
    expect(await run(["--help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("runs create") });
    expect(await run(["models", "--help"])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("models register"),
    });
    expect(await run(["runs", "log", "--help"])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("--metrics-file FILE"),
    });
  });

  it("exits 2 for usage errors, pointing at the command's help", async () => {
    expect(await run([])).toMatchObject({ code: 2 });
    expect(await run(["runs", "destroy"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown command "runs destroy"'),
    });
    const missing = await run(["runs", "finish"]);
    expect(missing).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: Missing RUN_ID\nRun modelport runs finish --help for usage.\n",
    });
  });

  it("exits 2 when not logged in and reports errors as JSON with --json", async () => {
    const result = await run(["runs", "finish", "r1", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stderr)).toEqual({
      error: { code: "USAGE", message: expect.stringMatching(/Not logged in/) },
    });
  });

  it("exits 1 when the API cannot be reached", async () => {
    const result = await run(["runs", "finish", "r1"], {
      MODELPORT_URL: "http://127.0.0.1:1",
      MODELPORT_TOKEN: "mp_secret",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: Cannot reach http:\/\/127.0.0.1:1/);
    expect(result.stderr).not.toContain("mp_secret");
  });
});
