import type { CaptureBuffer, CapturedRequest } from "@/runtime/capture/capture-buffer";
import { type CaptureCounts, shadowVariantOf } from "@/runtime/capture/capture-counts";

/** Draws whether one row is captured; injectable so tests can fix it. */
export type Draw = () => number;

/**
 * Decides, per predicted row, whether it is captured (probability = the endpoint's capture rate) and queues the
 * chosen rows: a request whose rows are all chosen, and whose texts the serving path offers (see predict.ts,
 * capturableWhole), as its request and response texts (nothing to format); others row by row. Never throws and never
 * waits: it runs on the request path after the answer is ready.
 * Without a capture destination (`buffer` undefined) every row is counted as `capture_off`. A shadow's rows (those with
 * `mirrorOf`) are counted apart from the endpoint's live rows (CaptureCounts).
 */
export class Capturer {
  constructor(
    private readonly buffer: CaptureBuffer | undefined,
    private readonly counts: CaptureCounts,
    private readonly draw: Draw = Math.random,
  ) {}

  get enabled(): boolean {
    return this.buffer !== undefined;
  }

  capture(request: CapturedRequest): void {
    const total = request.predictions.length;
    const shadow = shadowVariantOf(request);
    if (!this.buffer) return this.counts.add(request.endpoint, "capture_off", total, shadow);
    const rate = request.captureProbability;
    if (rate <= 0) return this.counts.add(request.endpoint, "not_sampled", total, shadow);
    const indices = rate >= 1 ? allIndices(total) : sampledIndices(total, rate, this.draw);
    this.counts.add(request.endpoint, "not_sampled", total - indices.length, shadow);
    if (indices.length === 0) return;
    const { texts } = request;
    if (indices.length === total && texts && !request.mirrorOf) this.buffer.offerWhole(request, texts);
    else this.buffer.offer(request, indices);
  }
}

const ALL: number[] = [];
function allIndices(count: number): number[] {
  for (let i = ALL.length; i < count; i++) ALL.push(i);
  return count === ALL.length ? ALL : ALL.slice(0, count);
}

function sampledIndices(count: number, rate: number, draw: Draw): number[] {
  const chosen: number[] = [];
  for (let i = 0; i < count; i++) if (draw() < rate) chosen.push(i);
  return chosen;
}
