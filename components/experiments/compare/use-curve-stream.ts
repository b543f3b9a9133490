"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { CURVE_STREAM_CONTENT_TYPE, CurveStreamReader, type CurveFrame } from "@/contracts/curve-frames";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import type { SeriesLike } from "@/components/experiments/compare/compare";
import { chunksOf } from "@/lib/web-streams";

/** A series as it arrived: its run by position in the request (a saved selection's ids may not be known yet). */
type ArrivedSeries = Omit<SeriesLike, "runId"> & { runIndex: number };

/** The runs to draw: by id, or a saved selection's, so its curves start without waiting for its ids. */
export type CurveSource = { runIds: readonly string[] } | { selection: string };

type CurveStreamState = {
  series: ArrivedSeries[];
  /** Runs whose curves have all arrived (the stream goes run by run, in the order asked for). */
  loadedRuns: number;
  done: boolean;
  error: string | null;
  bytes: number;
};

const EMPTY: CurveStreamState = { series: [], loadedRuns: 0, done: false, error: null, bytes: 0 };

function seriesOf(frame: CurveFrame, metricKeys: readonly string[]): ArrivedSeries {
  return {
    runIndex: frame.runIndex,
    key: metricKeys[frame.metricIndex] ?? "",
    totalPoints: frame.totalPoints,
    points: Array.from(frame.steps, (step, i) => ({ step, value: frame.values[i] ?? 0 })),
  };
}

async function refusal(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  const message =
    typeof body === "object" && body !== null && "error" in body
      ? (body.error as { message?: unknown }).message
      : undefined;
  return typeof message === "string" ? message : `The curves could not be loaded (HTTP ${response.status})`;
}

/**
 * Reads the stream, publishing what arrived at most once per animation frame (a chunk can hold a few frames; 200 runs
 * × 12 charts would otherwise redraw every chart dozens of times). Nothing is published once `signal` aborted.
 */
async function readCurves(
  request: CurveSource & { metricKeys: readonly string[]; width: number; steps?: StepRange },
  signal: AbortSignal,
  publish: (update: (state: CurveStreamState) => CurveStreamState) => void,
) {
  const response = await fetch("/api/experiments/curves", {
    method: "POST",
    headers: { "content-type": "application/json", accept: CURVE_STREAM_CONTENT_TYPE },
    body: JSON.stringify(request),
    signal,
  });
  if (!response.ok || !response.body) throw new Error(await refusal(response));
  const reader = new CurveStreamReader();
  let pending: ArrivedSeries[] = [];
  let pendingBytes = 0;
  let lastRun = 0;
  let scheduled = 0;
  const flush = () => {
    scheduled = 0;
    if (signal.aborted) return;
    const arrived = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    // A run is whole once a later run's frame arrived; every run is once the stream ended.
    const loadedRuns = reader.ended ? (reader.header?.runCount ?? lastRun) : lastRun;
    publish((state) => ({
      ...state,
      series: arrived.length > 0 ? [...state.series, ...arrived] : state.series,
      loadedRuns: Math.max(state.loadedRuns, loadedRuns),
      done: reader.ended,
      bytes: state.bytes + bytes,
    }));
  };
  signal.addEventListener("abort", () => cancelAnimationFrame(scheduled));
  for await (const chunk of chunksOf(response.body)) {
    const frames = reader.push(chunk);
    pending.push(...frames.map((frame) => seriesOf(frame, request.metricKeys)));
    pendingBytes += chunk.byteLength;
    lastRun = frames.at(-1)?.runIndex ?? lastRun;
    if (scheduled === 0) scheduled = requestAnimationFrame(flush);
  }
  if (!reader.ended) throw new Error("The curves stopped arriving before the end; retry");
  cancelAnimationFrame(scheduled);
  flush();
}

/**
 * Streams the curves of the runs `source` names × `metricKeys` for charts `width` pixels wide (nothing while the width
 * is 0 or no metric is asked for), over every step or only `steps`: the series arrive run by run, so the first curves
 * draw before the rest have loaded. `runIds` (the runs in the source's order, once known) name each series' run.
 */
export function useCurveStream(
  source: CurveSource,
  runIds: readonly string[],
  metricKeys: readonly string[],
  width: number,
  steps: StepRange | null = null,
) {
  const [attempt, setAttempt] = useState(0);
  const requestKey = JSON.stringify([source, metricKeys, width, steps, attempt]);
  // Tagged with the request it answers: a new request starts from EMPTY without a reset inside the effect.
  const [state, setState] = useState<CurveStreamState & { key: string }>({ ...EMPTY, key: "" });
  useEffect(() => {
    const [runs, keys, chartWidth, range] = JSON.parse(requestKey) as [CurveSource, string[], number, StepRange | null];
    if (chartWidth <= 0 || keys.length === 0) return;
    const controller = new AbortController();
    const publish = (update: (current: CurveStreamState) => CurveStreamState) =>
      setState((current) => ({ ...update(current.key === requestKey ? current : EMPTY), key: requestKey }));
    const request = { ...runs, metricKeys: keys, width: chartWidth, ...(range === null ? {} : { steps: range }) };
    readCurves(request, controller.signal, publish).catch((error: unknown) => {
      if (controller.signal.aborted) return;
      publish((current) => ({ ...current, error: error instanceof Error ? error.message : String(error) }));
    });
    return () => controller.abort();
  }, [requestKey]);
  const current = state.key === requestKey ? state : EMPTY;
  const series = useMemo(
    () =>
      current.series.flatMap(({ runIndex, ...rest }) => {
        const runId = runIds[runIndex];
        return runId === undefined ? [] : [{ ...rest, runId }];
      }),
    [current.series, runIds],
  );
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return useMemo(() => ({ ...current, series, retry }), [current, series, retry]);
}

export type CurveStream = ReturnType<typeof useCurveStream>;
