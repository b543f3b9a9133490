"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";

/** Runs the drift scan for one endpoint now (the repeatable job does the same every few minutes). */
export function ScanNowButton({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const scan = useMutation(
    trpc.drift.scanNow.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.drift.pathKey() }),
    }),
  );
  return (
    <span className="flex items-center gap-2">
      {scan.error && (
        <span role="alert" className="max-w-72 text-xs text-rose-700">
          {scan.error.message}
        </span>
      )}
      {scan.isSuccess && (
        <span role="status" className="text-xs text-slate-600">
          Scanned {scan.data.length} variant{scan.data.length === 1 ? "" : "s"}
        </span>
      )}
      <Button
        variant="secondary"
        onClick={() => scan.mutate({ endpointId })}
        disabled={scan.isPending}
        data-testid="scan-now"
      >
        {scan.isPending ? "Scanning…" : "Scan now"}
      </Button>
    </span>
  );
}
