"use client";

import { useMutation } from "@tanstack/react-query";
import { z } from "zod";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useRefreshAbTests } from "@/components/abtests/use-ab-test-mutation-options";
import { useTRPC } from "@/trpc/react";

const reasonSchema = z.string().trim().min(1, "Say why the champion stays").max(1000);

/** Concludes the test keeping the champion; the evidence is frozen with the decision. */
export function AbTestKeepDialog({ testId }: { testId: string }) {
  const trpc = useTRPC();
  const refresh = useRefreshAbTests();
  const decide = useMutation(trpc.abTests.decide.mutationOptions({ onSuccess: refresh }));
  return (
    <ReasonDialog
      field={{
        id: `keep-reason-${testId}`,
        label: "Reason",
        schema: reasonSchema,
        serverName: "reason",
        maxLength: 1000,
      }}
      title="Keep the champion?"
      description="The test concludes: the champion serves alone and the analysis as it stands is kept as the decision's evidence."
      trigger={
        <Button variant="secondary" data-testid="ab-test-keep">
          Keep the champion
        </Button>
      }
      submit={{
        submitLabel: "Keep the champion",
        pendingLabel: "Concluding…",
        errorTestId: "ab-test-keep-error",
        submitTestId: "ab-test-keep-confirm",
      }}
      pending={decide.isPending}
      onSubmit={(reason, callbacks) => decide.mutate({ testId, decision: "KEEP_CHAMPION", reason }, callbacks)}
    />
  );
}
