import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

// buildah as the image test drives it: a storage of the test's own (overlay where this machine allows it, else vfs:
// scripts/images/base-image.sh decides), chroot isolation (what works on these machines), the host's network for
// containers, so a server started in one answers on 127.0.0.1.
export const ROOT = path.resolve(import.meta.dirname, "../..");
export const BUILD_LOG = "/tmp/modelport-image-build.log";
const run = promisify(execFile);
let storage: string[] = [];

export async function buildah(args: string[]): Promise<string> {
  const { stdout } = await run("buildah", [...storage, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/**
 * The base image the build uses here, Debian with this machine's Node.js, and the storage every later buildah command
 * uses (scripts/images/base-image.sh).
 */
export async function testBaseImage(): Promise<{ image: string; driver: string }> {
  const { stdout } = await run("bash", ["scripts/images/base-image.sh"], { cwd: ROOT });
  const [driver, root, image] = stdout.trim().split(" ");
  if (!driver || !root || !image) throw new Error(`scripts/images/base-image.sh printed ${stdout}`);
  storage = ["--root", root, "--runroot", `${root}-run`, "--storage-driver", driver];
  return { image, driver };
}

export type ImageTarget = "portal" | "worker" | "runtime";
export const imageName = (target: ImageTarget) => `localhost/modelport-${target}:image-test`;

/** Builds one final stage of deploy/images/Containerfile; the shared stages are cached across targets (--layers). */
export async function buildImage(target: ImageTarget, baseImage: string): Promise<number> {
  const started = performance.now();
  const args = [
    ...storage,
    ...["bud", "--isolation", "chroot", "--layers", "--target", target],
    ...["--build-arg", `BASE_IMAGE=${baseImage}`, "-t", imageName(target), "-f", "deploy/images/Containerfile", "."],
  ];
  await appendFile(BUILD_LOG, `\n── buildah ${args.join(" ")}\n`);
  const child = spawn("buildah", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    void appendFile(BUILD_LOG, chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`Building the ${target} image failed (${BUILD_LOG}):\n${tail}`);
  return (performance.now() - started) / 1000;
}

type ImageConfig = { entrypoint: string[]; cmd: string[]; user: string; workingDir: string; sizeBytes: number };

export async function imageConfig(target: ImageTarget): Promise<ImageConfig> {
  const inspected = JSON.parse(await buildah(["inspect", "--type", "image", imageName(target)])) as {
    OCIv1: { config: { Entrypoint?: string[]; Cmd?: string[]; User?: string; WorkingDir?: string } };
  };
  const size = await buildah(["images", "--format", "{{.Size}}", imageName(target)]);
  const { Entrypoint = [], Cmd = [], User = "", WorkingDir = "" } = inspected.OCIv1.config;
  return { entrypoint: Entrypoint, cmd: Cmd, user: User, workingDir: WorkingDir, sizeBytes: parseSize(size) };
}

function parseSize(text: string): number {
  const match = /^([\d.]+)\s*([kMG]?B)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[match[2] as "B" | "kB" | "MB" | "GB"];
  return Number(match[1]) * unit;
}

export type ContainerOptions = { env?: Record<string, string>; volumes?: string[] };

/** A working container from the image, to run its own command (or another) inside it. */
export async function containerFrom(target: ImageTarget): Promise<string> {
  return buildah(["from", "--quiet", "--pull-never", imageName(target)]);
}

function runArgs(container: string, command: string[], options: ContainerOptions): string[] {
  const env = Object.entries(options.env ?? {}).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
  const volumes = (options.volumes ?? []).flatMap((volume) => ["-v", volume]);
  return [
    ...storage,
    "run",
    "--isolation",
    "chroot",
    "--network",
    "host",
    ...env,
    ...volumes,
    container,
    "--",
    ...command,
  ];
}

/** Runs a command in the container to its end. */
export async function runToExit(
  container: string,
  command: string[],
  options: ContainerOptions = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn("buildah", runArgs(container, command, options), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

export type RunningContainer = { output: () => string; stop: () => Promise<void> };

/** Starts a long-running command in the container (its own process group, so stopping it reaches the server). */
export function startInContainer(container: string, command: string[], options: ContainerOptions): RunningContainer {
  const child = spawn("buildah", runArgs(container, command, options), {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      process.kill(-child.pid, "SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) process.kill(-child.pid, "SIGKILL");
      await exited;
    },
  };
}

/** Waits until `url` answers `status`; throws with the container's output after `timeoutMs`. */
export async function waitForStatus(url: string, status: number, container: RunningContainer, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answered = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status,
      () => null,
    );
    if (answered === status) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer ${status} in ${timeoutMs} ms (last: ${answered}):\n${container.output()}`);
    await sleep(250);
  }
}

export const randomSecret = () => randomBytes(32).toString("hex");
