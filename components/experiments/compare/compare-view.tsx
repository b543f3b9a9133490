"use client";

import { useCallback, useDeferredValue, useMemo, useState } from "react";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import { defaultAxes, defaultScatterAxes } from "@/components/experiments/compare/compare";
import { buildRunColors } from "@/components/experiments/compare/palette";
import { toggledIn, visibilityOf, type CompareState } from "@/components/experiments/shared/url";
import type { RouterOutputs } from "@/trpc/react";
import { CompareCurvesSection } from "@/components/experiments/compare/compare-curves-section";
import { CompareExperiments } from "@/components/experiments/compare/compare-experiments";
import { CompareParallelSection } from "@/components/experiments/compare/compare-parallel-section";
import { CompareScatterSection } from "@/components/experiments/compare/compare-scatter-section";
import { CompareValuesSection } from "@/components/experiments/compare/compare-values-section";
import { RunLegend } from "@/components/experiments/compare/run-legend";
import type { UrlStateUpdate } from "@/lib/use-url-state";
import type { CurvesWithDetail } from "@/components/experiments/compare/zoom-detail";

type Props = {
  data: RouterOutputs["experiments"]["compare"];
  state: CompareState;
  update: UrlStateUpdate<CompareState>;
  refreshing: boolean;
  stream: CurvesWithDetail;
};

/**
 * Everything derived from the comparison is memoised per input and every callback is stable, so a
 * change to one part of the URL (say, "differences only") does not redraw the curves of 200 runs.
 */
export function CompareView({ data, state, update, refreshing, stream }: Props) {
  const runIds = useMemo(() => data.runs.map((run) => run.id), [data.runs]);
  const colors = useMemo(() => buildRunColors(runIds), [runIds]);
  const hidden = useMemo(() => {
    if (state.shown === null) return new Set(state.hidden);
    const shown = new Set(state.shown);
    return new Set(runIds.filter((id) => !shown.has(id)));
  }, [state.hidden, state.shown, runIds]);
  const axes = useMemo(
    () => state.axes ?? defaultAxes(data.runs, data.paramKeys, data.metricKeys),
    [state.axes, data.runs, data.paramKeys, data.metricKeys],
  );
  const scatterDefaults = useMemo(
    () => defaultScatterAxes(data.runs, data.paramKeys, data.availableMetricKeys),
    [data.runs, data.paramKeys, data.availableMetricKeys],
  );

  const toggleRun = useCallback(
    (runId: string) => {
      const next = new Set(hidden);
      if (!next.delete(runId)) next.add(runId);
      update(visibilityOf(runIds, next), "replace");
    },
    [update, hidden, runIds],
  );
  const showAll = useCallback(() => update({ hidden: [], shown: null }, "replace"), [update]);
  const hideAll = useCallback(() => update({ hidden: [], shown: [] }, "replace"), [update]);
  const setMetrics = useCallback((metrics: string[]) => update({ metrics }, "replace"), [update]);
  const setDifferencesOnly = useCallback(
    (differencesOnly: boolean) => update({ differencesOnly }, "replace"),
    [update],
  );
  const setZoom = useCallback((zoom: StepRange | null) => update({ zoom }, "replace"), [update]);
  const setLogScale = useCallback(
    (metricKey: string, log: boolean) =>
      update((current) => ({ logMetrics: toggledIn(current.logMetrics, metricKey, log) }), "replace"),
    [update],
  );
  const [highlightedRunId, setHighlightedRunId] = useState<string | null>(null);
  // The sections under the curves render in a second, interruptible pass, so the curves draw without waiting for them.
  const curvesFirst = !useDeferredValue(true, false);
  const setAxes = useCallback((next: string[] | null) => update({ axes: next }, "replace"), [update]);
  const setScatter = useCallback(
    (axis: "x" | "y", value: string) => update(axis === "x" ? { scatterX: value } : { scatterY: value }, "replace"),
    [update],
  );

  return (
    <div className={`space-y-6 ${refreshing ? "opacity-70 transition-opacity" : ""}`} aria-busy={refreshing}>
      <CompareExperiments runs={data.runs} />
      <RunLegend
        runs={data.runs}
        colors={colors}
        hidden={hidden}
        onToggle={toggleRun}
        onShowAll={showAll}
        onHideAll={hideAll}
        onHighlight={setHighlightedRunId}
      />
      <CompareCurvesSection
        runs={data.runs}
        metricKeys={data.metricKeys}
        availableMetricKeys={data.availableMetricKeys}
        colors={colors}
        hidden={hidden}
        onMetricsChange={setMetrics}
        zoom={state.zoom}
        onZoom={setZoom}
        logMetrics={state.logMetrics}
        onLogScale={setLogScale}
        highlightedRunId={highlightedRunId}
        stream={stream}
      />
      {curvesFirst ? (
        <div className="h-64 animate-pulse rounded-lg bg-slate-200/70" aria-hidden />
      ) : (
        <>
          <CompareValuesSection
            runs={data.runs}
            colors={colors}
            paramKeys={data.paramKeys}
            metricKeys={data.availableMetricKeys}
            differencesOnly={state.differencesOnly}
            onDifferencesOnlyChange={setDifferencesOnly}
          />
          <CompareParallelSection
            runs={data.runs}
            colors={colors}
            hidden={hidden}
            axes={axes}
            customAxes={state.axes !== null}
            paramKeys={data.paramKeys}
            metricKeys={data.availableMetricKeys}
            onAxesChange={setAxes}
          />
          <CompareScatterSection
            runs={data.runs}
            colors={colors}
            hidden={hidden}
            x={state.scatterX ?? scatterDefaults.x}
            y={state.scatterY ?? scatterDefaults.y}
            paramKeys={data.paramKeys}
            metricKeys={data.availableMetricKeys}
            onChange={setScatter}
          />
        </>
      )}
    </div>
  );
}
