import { ZoomOut } from "lucide-react";
import type { StepRange } from "@/components/experiments/charts/curve-view";
import { Button } from "@/components/ui/button";

/** Which steps the curves are zoomed to, with the way back; nothing while every step shows. */
export function ZoomStatus({ zoom, onReset }: { zoom: StepRange | null; onReset: () => void }) {
  if (zoom === null) {
    return <p className="hidden text-xs text-slate-500 md:block">Drag across a chart to zoom</p>;
  }
  return (
    <p className="flex items-center gap-2 text-xs text-slate-600" data-testid="curves-zoom">
      Steps {zoom[0].toLocaleString("en-US")}–{zoom[1].toLocaleString("en-US")}
      <Button variant="ghost" size="sm" onClick={onReset}>
        <ZoomOut className="h-3.5 w-3.5" aria-hidden />
        Show every step
      </Button>
    </p>
  );
}
