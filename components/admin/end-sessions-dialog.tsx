"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";
import { endSessionsReason } from "@/contracts/sessions";

/** An admin signs a person out on every device at once; their API tokens are left as they are. */
export function EndSessionsDialog({ user }: { user: { id: string; name: string } }) {
  const trpc = useTRPC();
  const [ended, setEnded] = useState<number | null>(null);
  const end = useMutation(trpc.admin.endSessions.mutationOptions({ onSuccess: (result) => setEnded(result.ended) }));
  return (
    <span className="flex items-center gap-2">
      <ReasonDialog
        field={{
          id: `end-sessions-reason-${user.id}`,
          label: "Reason",
          schema: endSessionsReason,
          serverName: "reason",
          maxLength: 500,
        }}
        title={`Sign ${user.name} out everywhere?`}
        description="Every browser session they have ends now; they must sign in again. Their API tokens keep working — revoke those under All tokens."
        trigger={
          <Button variant="secondary" size="sm" data-testid={`end-sessions-${user.id}`}>
            End sessions
          </Button>
        }
        submit={{
          submitLabel: "End sessions",
          pendingLabel: "Ending…",
          variant: "danger",
          errorTestId: "end-sessions-error",
          submitTestId: "end-sessions-confirm",
        }}
        pending={end.isPending}
        onSubmit={(reason, callbacks) => end.mutate({ userId: user.id, reason }, callbacks)}
      />
      {ended !== null && (
        <span role="status" className="text-xs text-slate-500">
          {ended === 1 ? "1 session ended" : `${ended} sessions ended`}
        </span>
      )}
    </span>
  );
}
