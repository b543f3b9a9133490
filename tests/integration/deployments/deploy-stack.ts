import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { systemContextFromEnv } from "@/server/context-from-env";
import { closeQueues } from "@/server/jobs/define-job";
import { deployJob } from "@/server/jobs/deploy";
import { startWorkers } from "@/workers/start-workers";
import { startRuntime, temporaryDirectory, type RunningRuntime } from "@/tests/integration/runtime/runtime-process";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export type ModelRuntime = {
  runtime: RunningRuntime;
  manifest: ManifestEntry[];
  /** Where the real ONNX models (the manifest entries' files) were written. */
  modelDirectory: string;
  stop: () => Promise<void>;
};

/** Real ONNX models written to a temporary directory, and a real local runtime to deploy them to. */
export async function startModelRuntime(
  directoryPrefix: string,
  env: Record<string, string> = {},
): Promise<ModelRuntime> {
  const modelDirectory = await temporaryDirectory(directoryPrefix);
  const { manifest } = await writeModels(modelDirectory.directory);
  const runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1", ...env });
  return {
    runtime,
    manifest,
    modelDirectory: modelDirectory.directory,
    stop: async () => {
      await runtime.stop();
      await modelDirectory.remove();
    },
  };
}

/**
 * startModelRuntime, with the portal pointed at that runtime (RUNTIME_URL, RUNTIME_CONTROL_TOKEN) and a BullMQ
 * worker in this process running the deploy handler, as the worker process does.
 */
export async function startDeployStack(
  directoryPrefix: string,
  options: { concurrency: number },
): Promise<ModelRuntime> {
  const models = await startModelRuntime(directoryPrefix);
  process.env.RUNTIME_URL = models.runtime.baseUrl;
  process.env.RUNTIME_CONTROL_TOKEN = models.runtime.controlToken;
  const workers = startWorkers([deployJob], systemContextFromEnv(), { concurrency: options.concurrency });
  return {
    ...models,
    stop: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await closeQueues();
      await models.stop();
    },
  };
}

/**
 * The real worker process (workers/main.ts), pointed at `runtime`; `output` "pipe" makes its stdout/stderr readable.
 * `preload` names modules (paths from the repository root) loaded before the worker starts: a job's handler, so that
 * the worker's first job does not wait for it to be compiled and imported, as in a worker that has been running.
 */
export function spawnWorkerProcess(
  runtime: Pick<RunningRuntime, "baseUrl" | "controlToken">,
  options: { env: Record<string, string>; output: "pipe" | "ignore"; preload?: string[] },
): ChildProcess {
  // `node --import tsx` keeps the worker in this one process, so SIGKILL hits the worker itself (the tsx CLI
  // would run it in a child process of its own).
  const preload = (options.preload ?? []).flatMap((module) => ["--import", `./${module}`]);
  return spawn(process.execPath, ["--import", "tsx", ...preload, "workers/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, RUNTIME_URL: runtime.baseUrl, RUNTIME_CONTROL_TOKEN: runtime.controlToken, ...options.env },
    stdio: ["ignore", options.output, options.output],
  });
}
