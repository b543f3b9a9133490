"use client";

import { Check, Link2 } from "lucide-react";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";

type Status = "idle" | "copied" | "failed";

/** Copies the current address, which holds the whole view, to the clipboard. */
export function CopyLinkButton() {
  const [status, setStatus] = useState<Status>("idle");
  useEffect(() => {
    if (status === "idle") return;
    const timer = setTimeout(() => setStatus("idle"), 2000);
    return () => clearTimeout(timer);
  }, [status]);

  function copy() {
    navigator.clipboard.writeText(window.location.href).then(
      () => setStatus("copied"),
      () => setStatus("failed"),
    );
  }

  return (
    <span className="flex items-center gap-2">
      <span aria-live="polite" className="text-xs text-slate-500">
        {status === "copied"
          ? "Link copied"
          : status === "failed"
            ? "Could not copy; copy the address bar instead"
            : ""}
      </span>
      <Button variant="secondary" onClick={copy} data-testid="copy-link">
        {status === "copied" ? (
          <Check className="h-4 w-4 text-emerald-600" aria-hidden />
        ) : (
          <Link2 className="h-4 w-4" aria-hidden />
        )}
        Copy link
      </Button>
    </span>
  );
}
