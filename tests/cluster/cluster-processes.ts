import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** A child process of the test, its output kept for the failure report. */
export type Managed = { name: string; child: ChildProcess; output: () => string; exited: Promise<void> };

const all: Managed[] = [];

function manage(name: string, child: ChildProcess): Managed {
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const managed = { name, child, output: () => output, exited };
  all.push(managed);
  return managed;
}

export const isAlive = (p: Managed) => p.child.exitCode === null && p.child.signalCode === null;

/** Stops every process the test started (SIGTERM, then SIGKILL after 10 s) and waits for them. */
export async function stopAll() {
  for (const p of all) if (isAlive(p)) p.child.kill("SIGTERM");
  const forced = setTimeout(() => all.filter(isAlive).forEach((p) => p.child.kill("SIGKILL")), 10_000);
  await Promise.all(all.map((p) => p.exited));
  clearTimeout(forced);
}

/** Every process's name, pid and last lines of output: what a failure report needs. */
export function outputs(lines = 40) {
  return all
    .map((p) => `--- ${p.name} (pid ${p.child.pid})\n${p.output().split("\n").slice(-lines).join("\n")}`)
    .join("\n");
}

/** Waits until `url` answers 200 while `process` runs. */
export async function waitForUrl(process: Managed, url: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive(process)) throw new Error(`${process.name} exited early:\n${process.output()}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${process.name} did not answer ${url} in ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The production build (`next start`) on 127.0.0.1:`port`. */
export function startPortal(name: string, port: number, env: Record<string, string>) {
  const child = spawn(path.join(ROOT, "node_modules/.bin/next"), ["start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return manage(name, child);
}

/**
 * A worker process (workers/main.ts) run by `node --import tsx` in one process, so that SIGKILL hits the worker itself;
 * the deploy handler is loaded before it starts, as in a worker that has been running.
 */
export function startWorker(name: string, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--import", "./server/jobs/handlers/deploy.ts", "workers/main.ts"],
    { cwd: ROOT, env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  return manage(name, child);
}

/** Resolves with the worker's metrics port once it has started (it logs it). */
export async function workerStarted(worker: Managed, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive(worker)) throw new Error(`${worker.name} exited early:\n${worker.output()}`);
    const port = /\[worker\] started: .* metrics on [^:]+:(\d+)\/metrics/.exec(worker.output())?.[1];
    if (port) return Number(port);
    if (Date.now() > deadline) throw new Error(`${worker.name} did not start in ${timeoutMs} ms:\n${worker.output()}`);
    await sleep(100);
  }
}

/**
 * Debian's HAProxy in front of the portals: round robin, no stickiness, each answer naming the portal that served it
 * (X-Served-By), a portal taken out of rotation while its /api/health fails.
 */
export async function startHaproxy(
  configFile: string,
  port: number,
  portals: { name: string; port: number }[],
): Promise<Managed> {
  const config = [
    "global",
    "  maxconn 512",
    "defaults",
    "  mode http",
    "  timeout connect 5s",
    "  timeout client 120s",
    "  timeout server 120s",
    "frontend portal",
    `  bind 127.0.0.1:${port}`,
    "  default_backend portals",
    "backend portals",
    "  balance roundrobin",
    "  option httpchk GET /api/health",
    "  http-check expect status 200",
    "  http-response set-header X-Served-By %[srv_name]",
    ...portals.map((p) => `  server ${p.name} 127.0.0.1:${p.port} check inter 1s`),
    "",
  ].join("\n");
  await writeFile(configFile, config);
  return manage("haproxy", spawn("haproxy", ["-f", configFile, "-db"], { stdio: ["ignore", "pipe", "pipe"] }));
}
