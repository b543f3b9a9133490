import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

export type LoadResult = { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number };

const run = promisify(execFile);

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** Writes a wrk Lua script that POSTs the given JSON bodies in turn. */
export async function writeWrkScript(directory: string, name: string, bodies: string[]): Promise<string> {
  const file = path.join(directory, `${name}.lua`);
  const quoted = bodies.map((b) => `[==[${b}]==]`).join(",\n");
  await writeFile(
    file,
    `local bodies = {\n${quoted}\n}\nlocal i = 0\nrequest = function()\n  i = i % #bodies + 1\n  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, bodies[i])\nend\n`,
  );
  return file;
}

/** Closed-loop load with wrk (keep-alive connections, one thread), bounded to `seconds`. */
export async function wrk(url: string, script: string, connections: number, seconds: number): Promise<LoadResult> {
  const { stdout } = await run("wrk", ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, url], {
    timeout: (seconds + 30) * 1000,
  });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s|m)/.exec(stdout);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s|m)/.exec(stdout);
  if (!rps || !p50 || !p99) throw new Error(`Could not read wrk's output:\n${stdout}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors =
    Number(non2xx?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((s, n) => s + Number(n), 0) : 0);
  return { requestsPerSecond: Number(rps[1]), p50Ms: toMs(p50[1]!, p50[2]!), p99Ms: toMs(p99[1]!, p99[2]!), errors };
}
