import type { WireBatch, WireFeeds } from "@/runtime/inference/tensors";

export type WorkerRequest =
  | { id: number; kind: "load"; modelKey: string; bytes: Uint8Array }
  | { id: number; kind: "unload"; modelKey: string }
  | { id: number; kind: "run"; modelKey: string; batch: WireBatch };

export type WorkerResponse = { id: number; ok: true; outputs?: WireFeeds } | { id: number; ok: false; message: string };
