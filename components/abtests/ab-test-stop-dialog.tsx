"use client";

import { useMutation } from "@tanstack/react-query";
import { stopAbTestInput } from "@/contracts/abtests";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useRefreshAbTests } from "@/components/abtests/use-ab-test-mutation-options";
import { useTRPC } from "@/trpc/react";

/** Ends the test without a decision (or calls off a start still moving traffic): the champion serves alone again. */
export function AbTestStopDialog({ testId }: { testId: string }) {
  const trpc = useTRPC();
  const refresh = useRefreshAbTests();
  const stop = useMutation(trpc.abTests.stop.mutationOptions({ onSuccess: refresh }));
  return (
    <ReasonDialog
      field={{
        id: `stop-reason-${testId}`,
        label: "Reason",
        schema: stopAbTestInput.shape.reason,
        serverName: "reason",
        maxLength: 1000,
      }}
      title="Stop this test?"
      description="Traffic goes back to the champion at once and the challengers are removed. A stopped test can still be concluded by keeping the champion."
      trigger={
        <Button variant="danger" data-testid="ab-test-stop">
          Stop
        </Button>
      }
      submit={{
        submitLabel: "Stop the test",
        pendingLabel: "Stopping…",
        variant: "danger",
        errorTestId: "ab-test-stop-error",
        submitTestId: "ab-test-stop-confirm",
      }}
      pending={stop.isPending}
      onSubmit={(reason, callbacks) => stop.mutate({ testId, reason }, callbacks)}
    />
  );
}
