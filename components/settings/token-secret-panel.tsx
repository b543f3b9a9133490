"use client";

import { AlertTriangle, Check, Copy } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";

type Props = { name: string; secret: string; onDismiss: () => void };

/** The only time a token's secret is ever shown. */
export function TokenSecretPanel({ name, secret, onDismiss }: Props) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const panel = useRef<HTMLElement>(null);
  useEffect(() => panel.current?.focus(), []);
  const origin = typeof window === "undefined" ? "https://modelport.example.com" : window.location.origin;

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <section
      ref={panel}
      tabIndex={-1}
      aria-labelledby="token-secret-title"
      data-testid="token-secret-panel"
      className="space-y-3 rounded-lg border border-emerald-300 bg-emerald-50 p-4 focus:outline-none"
    >
      <h2 id="token-secret-title" className="text-sm font-semibold text-emerald-900">
        Token “{name}” created
      </h2>
      <p className="flex items-start gap-2 text-sm text-amber-900">
        <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        Copy it now: this is the only time it is shown. Store it in your CI secret store, never in code.
      </p>
      <div className="flex items-center gap-2">
        <code
          data-testid="token-secret"
          className="min-w-0 flex-1 select-all break-all rounded-md border border-emerald-200 bg-white px-3 py-2 font-mono text-sm"
        >
          {secret}
        </code>
        <Button variant="secondary" onClick={copy} aria-label="Copy token to clipboard">
          {copied === "yes" ? <Check className="h-4 w-4" aria-hidden /> : <Copy className="h-4 w-4" aria-hidden />}
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p role="status" className="text-xs text-slate-600">
        {copied === "failed" ? "The browser refused clipboard access; select the token and copy it by hand." : ""}
      </p>
      <p className="text-xs text-slate-600">
        Use it with the CLI:{" "}
        <code className="rounded bg-white px-1">modelport login --url {origin} --token &lt;token&gt;</code>, or as{" "}
        <code className="rounded bg-white px-1">Authorization: Bearer &lt;token&gt;</code> against{" "}
        <code className="rounded bg-white px-1">/api/v1</code>.
      </p>
      <Button variant="secondary" size="sm" onClick={onDismiss}>
        I have stored it
      </Button>
    </section>
  );
}
