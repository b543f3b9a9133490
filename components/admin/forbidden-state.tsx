import { ShieldAlert } from "lucide-react";
import { PageHeader } from "@/components/ui/page-header";

/** Shown instead of a page the signed-in person's role may not open. */
export function ForbiddenState({ title, requirement }: { title: string; requirement: string }) {
  return (
    <>
      <PageHeader title={title} />
      <div
        role="alert"
        data-testid="forbidden"
        className="flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      >
        <ShieldAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        <p>You do not have access to this page: {requirement}.</p>
      </div>
    </>
  );
}
