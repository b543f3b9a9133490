import { ZoomOut } from "lucide-react";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import { Button } from "@/components/ui/button";
import type { ZoomDetail } from "@/components/experiments/compare/zoom-detail";

type Props = { zoom: StepRange | null; detail: ZoomDetail; onReset: () => void };

/** Which steps the curves are zoomed to, whether their own curves have come, and the way back. */
export function ZoomStatus({ zoom, detail, onReset }: Props) {
  if (zoom === null) {
    return <p className="hidden text-xs text-slate-500 md:block">Drag across a chart to zoom</p>;
  }
  return (
    <p className="flex items-center gap-2 text-xs text-slate-600" data-testid="curves-zoom">
      Steps {zoom[0].toLocaleString("en-US")}–{zoom[1].toLocaleString("en-US")}
      <span role="status" aria-live="polite" data-testid="curves-zoom-detail" data-done={detail?.done ? "1" : "0"}>
        {detail?.error ? (
          <span className="text-amber-700">
            detail could not load: {detail.error}{" "}
            <Button variant="ghost" size="sm" onClick={detail.retry}>
              Retry
            </Button>
          </span>
        ) : (
          <span className="text-slate-500">{detail?.done ? "detail loaded" : "loading detail…"}</span>
        )}
      </span>
      <Button variant="ghost" size="sm" onClick={onReset}>
        <ZoomOut className="h-3.5 w-3.5" aria-hidden />
        Show every step
      </Button>
    </p>
  );
}
