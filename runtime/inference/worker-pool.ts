import { Worker } from "node:worker_threads";
import type { WorkerRequest, WorkerResponse } from "@/runtime/inference/messages";
import type { WireBatch, WireFeeds } from "@/runtime/inference/tensors";
import { log } from "@/runtime/logger";

type Task = { resolve: (outputs: WireFeeds | undefined) => void; reject: (error: Error) => void };
type PoolWorker = { worker: Worker; pending: Map<number, Task>; alive: boolean };

type RequestWithoutId = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

const WORKER_FILE = new URL("./inference-worker.ts", import.meta.url).href;
// Node 20 does not apply the parent's module hooks to a worker's entry file, so the worker registers tsx itself
// before importing its TypeScript entry.
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_FILE)}); });`;

/**
 * A fixed set of inference threads. Every thread loads every model, so a batch goes to whichever thread has the
 * fewest tasks outstanding. A thread that dies fails its tasks and makes the pool unhealthy (`/readyz` says so).
 */
export class WorkerPool {
  private nextId = 1;
  private closing = false;
  private readonly workers: PoolWorker[];

  constructor(size: number) {
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  get healthy(): boolean {
    return this.workers.every((w) => w.alive);
  }

  get size(): number {
    return this.workers.length;
  }

  private spawn(): PoolWorker {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true });
    const entry: PoolWorker = { worker, pending: new Map(), alive: true };
    worker.on("message", (response: WorkerResponse) => {
      const task = entry.pending.get(response.id);
      entry.pending.delete(response.id);
      if (!task) return;
      if (response.ok) task.resolve(response.outputs);
      else task.reject(new Error(response.message));
    });
    const fail = (error: Error) => {
      if (entry.alive && !this.closing) log().error({ err: error }, "Inference thread failed");
      entry.alive = false;
      for (const task of entry.pending.values()) task.reject(error);
      entry.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`Inference thread exited with code ${code}`)));
    return entry;
  }

  private send(entry: PoolWorker, request: RequestWithoutId): Promise<WireFeeds | undefined> {
    if (!entry.alive) return Promise.reject(new Error("Inference thread is not running"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      entry.pending.set(id, { resolve, reject });
      entry.worker.postMessage({ ...request, id });
    });
  }

  /** Loads the model into every thread; resolves once all of them can run it. */
  async load(modelKey: string, bytes: Uint8Array): Promise<void> {
    await Promise.all(this.workers.map((entry) => this.send(entry, { kind: "load", modelKey, bytes })));
  }

  async unload(modelKey: string): Promise<void> {
    await Promise.all(
      this.workers.filter((w) => w.alive).map((entry) => this.send(entry, { kind: "unload", modelKey })),
    );
  }

  /** A batch is small: copying it is cheaper than transferring its buffer. */
  async run(modelKey: string, batch: WireBatch): Promise<WireFeeds> {
    const alive = this.workers.filter((w) => w.alive);
    const entry = alive.reduce<PoolWorker | undefined>(
      (best, w) => (!best || w.pending.size < best.pending.size ? w : best),
      undefined,
    );
    if (!entry) throw new Error("No inference thread is running");
    const outputs = await this.send(entry, { kind: "run", modelKey, batch });
    if (!outputs) throw new Error("The inference thread answered without outputs");
    return outputs;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
