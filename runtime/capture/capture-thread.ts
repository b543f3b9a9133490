import { parentPort, workerData } from "node:worker_threads";
import { RedisStreamSink } from "@/runtime/capture/capture-sink";
import type { CaptureThreadSettings, FromCaptureThread, ToCaptureThread } from "@/runtime/capture/capture-thread-sink";

// The capture thread: owns the Redis connection and turns each grouped batch the flusher hands over into the entry's
// JSON and one XADD, so that serialising captured rows (most of what capture costs) never runs on the HTTP thread.
const port = parentPort;
if (!port) throw new Error("capture-thread.ts runs as a worker thread");
const settings = workerData as CaptureThreadSettings;
const post = (message: FromCaptureThread) => port.postMessage(message);
const sink = new RedisStreamSink(settings.url, settings.streamKey, settings.maxLength, (ready) =>
  post({ type: "ready", ready }),
);

port.on("message", (message: ToCaptureThread) => {
  if (message.type === "append") {
    void sink.append(message.batch).then((ok) => post({ type: "appended", id: message.id, ok }));
  } else {
    void sink.close().then(() => post({ type: "closed" }));
  }
});
