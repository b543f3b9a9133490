import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = path.resolve(import.meta.dirname, "../..");

export type Service = { baseUrl: string; pid: number; stop: () => Promise<void> };

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("No free port");
  return address.port;
}

async function startService(
  command: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  startupMs: number,
): Promise<Service> {
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startupMs;
  while (
    !(await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`${command} ${args.join(" ")} did not start:\n${output}`);
    await sleep(200);
  }
  return {
    baseUrl,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function startRuntime(env: Record<string, string> = {}): Promise<Service & { controlToken: string }> {
  const port = await freePort();
  const controlToken = randomBytes(24).toString("hex");
  const service = await startService(
    path.join(ROOT, "node_modules/.bin/tsx"),
    ["runtime/main.ts"],
    port,
    { RUNTIME_PORT: String(port), RUNTIME_CONTROL_TOKEN: controlToken, ...env },
    30_000,
  );
  return { ...service, controlToken };
}

/** FastAPI + uvicorn + scikit-learn from Debian's python3 (the packages are python3-fastapi, -uvicorn, -sklearn). */
export async function startFastApi(trainingCsv: string): Promise<Service> {
  const port = await freePort();
  return startService(
    "/usr/bin/python3",
    [path.join(import.meta.dirname, "fastapi_server.py"), trainingCsv, String(port)],
    port,
    {},
    120_000,
  );
}
