import { spawn, type ChildProcess } from "node:child_process";

export type RedisServer = { crash: () => Promise<void> };

/**
 * Starts a `redis-server` of the test's own on a loopback port, in `directory`. With `persistent`, every write is
 * appended and fsynced before Redis answers (appendonly, appendfsync always), so a crash loses nothing; without
 * it Redis keeps nothing on disk, like the development Redis.
 */
export async function startRedisServer(options: {
  port: number;
  directory: string;
  persistent: boolean;
}): Promise<RedisServer> {
  const persistence = options.persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"];
  const child: ChildProcess = spawn(
    "/usr/bin/redis-server",
    ["--port", String(options.port), "--bind", "127.0.0.1", "--dir", options.directory, "--save", "", ...persistence],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", () => reject(new Error(`redis-server exited early:\n${output}`)));
  });
  return {
    /** SIGKILL: Redis gets no chance to write anything more on its way down. */
    crash: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
