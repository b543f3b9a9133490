type Props = { metricKey: string; log: boolean; onChange: (metricKey: string, log: boolean) => void };

/** Switches one curves chart's y axis between linear and log scale. */
export function LogScaleToggle({ metricKey, log, onChange }: Props) {
  return (
    <button
      type="button"
      aria-pressed={log}
      onClick={() => onChange(metricKey, !log)}
      className={`rounded-md border px-2 py-0.5 text-xs font-medium ${log ? "border-indigo-300 bg-indigo-50 text-indigo-800" : "border-slate-200 text-slate-600 hover:bg-slate-50"}`}
      title={
        log
          ? `Show ${metricKey} on a linear scale`
          : `Show ${metricKey} on a log scale (values at or below 0 are left out)`
      }
    >
      Log scale
    </button>
  );
}
