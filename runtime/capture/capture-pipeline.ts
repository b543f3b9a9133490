import type { CaptureSettings } from "@/runtime/config";
import type { RuntimeMetrics } from "@/runtime/metrics";
import { CaptureBuffer } from "@/runtime/capture/capture-buffer";
import { Capturer } from "@/runtime/capture/capturer";
import { CaptureFlusher } from "@/runtime/capture/capture-flusher";
import { RedisStreamSink, type CaptureSink } from "@/runtime/capture/capture-sink";

export type CapturePipeline = { capturer: Capturer; stop: () => Promise<void> };

/**
 * Prediction capture (invariants): a prediction is never slowed, failed or changed by capture; every predicted row
 * gets exactly one outcome in modelport_runtime_capture_total; memory is bounded by `bufferRecords` rows; Redis is
 * bounded by MAXLEN ~ `maxStreamLength`. Without a Redis URL capture is off (rows counted as capture_off).
 */
export function startCapture(
  settings: CaptureSettings,
  metrics: RuntimeMetrics,
  sink: CaptureSink | undefined = settings.redisUrl
    ? new RedisStreamSink(settings.redisUrl, settings.streamKey, settings.maxStreamLength)
    : undefined,
): CapturePipeline {
  const counts = metrics.captureCounts;
  if (!sink) return { capturer: new Capturer(undefined, counts), stop: async () => {} };
  const buffer = new CaptureBuffer(settings.bufferRecords, counts, { batchRows: settings.batchRecords });
  const flusher = new CaptureFlusher(buffer, sink, counts, settings.lingerMs);
  metrics.captureBufferSize.read = () => buffer.size + flusher.inFlight;
  flusher.start();
  return {
    capturer: new Capturer(buffer, counts),
    stop: async () => {
      await flusher.stop();
      await sink.close();
    },
  };
}
