import { parentPort } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import type { WorkerRequest, WorkerResponse } from "@/runtime/inference/messages";
import { feedsFromBatch, type WireBatch, type WireFeeds, type WireTensor } from "@/runtime/inference/tensors";
import { errorMessage } from "@/lib/error-message";

// One inference thread: holds an onnxruntime session per loaded model and runs batches, so session.run (blocking
// native work) never runs on the HTTP thread. Each session uses one intra-op thread; the pool gives parallelism.
const port = parentPort;
if (!port) throw new Error("inference-worker.ts runs as a worker thread");

const sessions = new Map<string, ort.InferenceSession>();
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
};

function toOrt(batch: WireBatch): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(feedsFromBatch(batch)).map(([name, t]) => [name, new ort.Tensor(t.type, t.data, t.dims)]),
  );
}

function fromOrt(outputs: ort.InferenceSession.OnnxValueMapType): { outputs: WireFeeds; transfer: ArrayBuffer[] } {
  const wire: WireFeeds = {};
  const transfer: ArrayBuffer[] = [];
  for (const [name, value] of Object.entries(outputs)) {
    const tensor = value as ort.Tensor;
    const data = tensor.data;
    // Copy out of onnxruntime's buffer so the copy can be transferred to the main thread.
    const copy = Array.isArray(data) ? [...data] : (data as Float32Array).slice();
    if (!Array.isArray(copy)) transfer.push(copy.buffer as ArrayBuffer);
    wire[name] = { type: tensor.type as WireTensor["type"], data: copy as WireTensor["data"], dims: [...tensor.dims] };
  }
  return { outputs: wire, transfer };
}

async function handle(request: WorkerRequest): Promise<{ response: WorkerResponse; transfer?: ArrayBuffer[] }> {
  switch (request.kind) {
    case "load": {
      const previous = sessions.get(request.modelKey);
      sessions.set(request.modelKey, await ort.InferenceSession.create(request.bytes, SESSION_OPTIONS));
      await previous?.release();
      return { response: { id: request.id, ok: true } };
    }
    case "unload": {
      const session = sessions.get(request.modelKey);
      sessions.delete(request.modelKey);
      await session?.release();
      return { response: { id: request.id, ok: true } };
    }
    case "run": {
      const session = sessions.get(request.modelKey);
      if (!session) throw new Error(`Model ${request.modelKey} is not loaded`);
      const { outputs, transfer } = fromOrt(await session.run(toOrt(request.batch)));
      return { response: { id: request.id, ok: true, outputs }, transfer };
    }
  }
}

port.on("message", (request: WorkerRequest) => {
  handle(request).then(
    ({ response, transfer }) => port.postMessage(response, transfer ?? []),
    (error: unknown) => port.postMessage({ id: request.id, ok: false, message: errorMessage(error) }),
  );
});
