"use client";

import { Check } from "lucide-react";

type MutationState = { isPending: boolean; isSuccess: boolean; error: { message: string } | null };

/** The outcome of an inline save: a short "Saved", or the server's reason for refusing. */
export function MutationFeedback({ mutation }: { mutation: MutationState }) {
  if (mutation.error) {
    return (
      <span role="alert" className="max-w-56 text-xs text-rose-700">
        {mutation.error.message}
      </span>
    );
  }
  if (mutation.isPending) return <span className="text-xs text-slate-500">Saving…</span>;
  if (mutation.isSuccess) {
    return (
      <span role="status" className="inline-flex items-center gap-1 text-xs text-emerald-700">
        <Check className="h-3 w-3" aria-hidden />
        Saved
      </span>
    );
  }
  return null;
}
