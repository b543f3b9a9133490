import { Worker } from "node:worker_threads";
import { z } from "zod";
import { modelGraphSchema, type ModelGraph } from "@/server/integrations/onnx/model-graph";

/** onnxruntime refused the bytes: not an ONNX model, or one it cannot load (unknown operator, invalid graph, …). */
export class OnnxLoadError extends Error {
  override name = "OnnxLoadError";
}

/*
 * Creating a session parses and optimises the graph synchronously on the calling thread (onnxruntime-node only defers
 * it with setImmediate), so a large model would stall every request the server is handling. It runs on a thread of
 * its own instead. The thread's code is plain JavaScript evaluated from this string, so it runs unchanged under tsx,
 * vitest and the Next.js server bundle, which would not ship a separate worker file; onnxruntime-node is resolved
 * from the working directory, as for any server-external package.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const ort = require("onnxruntime-node");
const OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential" };
const plain = (values) =>
  values.map((v) =>
    v.isTensor ? { name: v.name, isTensor: true, type: v.type, shape: [...v.shape] } : { name: v.name, isTensor: false },
  );
parentPort.on("message", async ({ id, bytes }) => {
  let session;
  try {
    session = await ort.InferenceSession.create(bytes, OPTIONS);
    const graph = { inputs: plain(session.inputMetadata), outputs: plain(session.outputMetadata) };
    parentPort.postMessage({ id, ok: true, graph });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
  } finally {
    if (session) await session.release().catch(() => undefined);
  }
});
`;

const answerSchema = z.discriminatedUnion("ok", [
  z.object({ id: z.number(), ok: z.literal(true), graph: modelGraphSchema }),
  z.object({ id: z.number(), ok: z.literal(false), message: z.string() }),
]);

type Pending = { resolve: (graph: ModelGraph) => void; reject: (error: Error) => void };
type InspectionThread = { worker: Worker; pending: Map<number, Pending>; idleTimer?: NodeJS.Timeout };

/** An idle thread gives its memory (onnxruntime's environment, tens of MB) back after this long. */
const IDLE_MS = 60_000;

let thread: InspectionThread | undefined;
let nextId = 1;

/** An idle thread must not keep a script (the seed, a test run) from exiting, and ends after IDLE_MS. */
function idle(state: InspectionThread) {
  state.worker.unref();
  state.idleTimer = setTimeout(() => {
    if (thread === state) thread = undefined;
    void state.worker.terminate();
  }, IDLE_MS).unref();
}

function settle(state: InspectionThread, message: unknown) {
  const id = z.object({ id: z.number() }).safeParse(message);
  const pending = id.success ? state.pending.get(id.data.id) : undefined;
  if (!id.success || !pending) return;
  state.pending.delete(id.data.id);
  if (state.pending.size === 0) idle(state);
  const answer = answerSchema.safeParse(message);
  if (!answer.success) pending.reject(new Error(`Unexpected answer from the ONNX inspection thread: ${answer.error}`));
  else if (answer.data.ok) pending.resolve(answer.data.graph);
  else pending.reject(new OnnxLoadError(answer.data.message));
}

function startThread(): InspectionThread {
  const state: InspectionThread = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: new Map() };
  state.worker.on("message", (message: unknown) => settle(state, message));
  const fail = (error: Error) => {
    if (thread === state) thread = undefined;
    for (const pending of state.pending.values()) pending.reject(error);
    state.pending.clear();
  };
  state.worker.on("error", fail);
  state.worker.on("exit", (code) => fail(new Error(`The ONNX inspection thread exited with code ${code}`)));
  return state;
}

/**
 * A buffer holding exactly the bytes, so it can be moved to the thread without copying. A view into a larger buffer
 * (a Node Buffer from its shared pool, for one) is copied: `new Uint8Array(view)` copies, where Buffer#slice would not.
 */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(bytes).buffer;
}

/**
 * Loads the model in onnxruntime (on the inspection thread), reads its inputs' and outputs' names, element types and
 * shapes, and releases the session. Rejects with OnnxLoadError when onnxruntime cannot load the bytes. Takes the
 * bytes over: a caller's array that owns its whole buffer is detached (empty) afterwards.
 */
export function inspectOnnxModel(bytes: Uint8Array): Promise<ModelGraph> {
  thread ??= startThread();
  const state = thread;
  const id = nextId++;
  const buffer = ownBuffer(bytes);
  clearTimeout(state.idleTimer);
  return new Promise((resolve, reject) => {
    state.pending.set(id, { resolve, reject });
    state.worker.ref();
    state.worker.postMessage({ id, bytes: new Uint8Array(buffer) }, [buffer]);
  });
}
