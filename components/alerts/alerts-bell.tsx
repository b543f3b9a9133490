"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/cn";
import { formatRelative } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { useCan } from "@/lib/use-can";

/** Open in-app alerts (budget forecasts, drift, latency) behind a bell in the header; managers dismiss them. */
export function AlertsBell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canDismiss = useCan("alerts:manage");
  const [open, setOpen] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const alerts = useQuery(trpc.alerts.open.queryOptions(undefined, { refetchInterval: 60_000 }));
  const dismiss = useMutation(
    trpc.alerts.dismiss.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.alerts.open.queryKey() }),
    }),
  );
  const count = alerts.data?.length ?? 0;
  const critical = alerts.data?.some((a) => a.severity === "CRITICAL") ?? false;

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (panel.current && !panel.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  return (
    <div ref={panel} className="relative" onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <Button
        variant="ghost"
        size="sm"
        aria-expanded={open}
        aria-controls="alerts-panel"
        aria-label={count === 0 ? "Alerts: none open" : `Alerts: ${count} open`}
        onClick={() => setOpen(!open)}
        data-testid="alerts-bell"
      >
        <Bell className="h-4 w-4" aria-hidden />
        {count > 0 && (
          <span
            className={cn(
              "rounded-full px-1.5 text-xs font-semibold text-white",
              critical ? "bg-rose-600" : "bg-amber-500",
            )}
          >
            {count}
          </span>
        )}
      </Button>
      {open && (
        <div
          id="alerts-panel"
          role="region"
          aria-label="Open alerts"
          className="absolute right-0 z-30 mt-2 w-96 rounded-lg border border-slate-200 bg-white p-3 shadow-lg"
        >
          {alerts.isError ? (
            <p className="text-sm text-rose-700">{alerts.error.message}</p>
          ) : count === 0 ? (
            <p className="text-sm text-slate-500">No open alerts.</p>
          ) : (
            <ul className="max-h-96 space-y-3 overflow-y-auto" data-testid="alerts-list">
              {alerts.data?.map((alert) => (
                <li key={alert.id} className="rounded-md border border-slate-100 p-2 text-sm">
                  <div className="flex items-start justify-between gap-2">
                    <p className="font-medium text-slate-900">{alert.title}</p>
                    <Badge tone={alert.severity === "CRITICAL" ? "red" : "amber"}>{alert.severity.toLowerCase()}</Badge>
                  </div>
                  <p className="mt-1 text-slate-600">{alert.message}</p>
                  <div className="mt-1 flex items-center justify-between text-xs text-slate-500">
                    <span>
                      {alert.team?.name ?? alert.endpoint?.name ?? ""} · since {formatRelative(alert.createdAt)}
                    </span>
                    {canDismiss && (
                      <Button
                        variant="ghost"
                        size="sm"
                        disabled={dismiss.isPending}
                        onClick={() => dismiss.mutate({ alertId: alert.id })}
                      >
                        Dismiss
                      </Button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          {dismiss.error && (
            <p role="alert" className="mt-2 text-xs text-rose-700">
              {dismiss.error.message}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
