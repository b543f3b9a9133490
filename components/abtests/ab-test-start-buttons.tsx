"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { useRefreshAbTests } from "@/components/abtests/use-ab-test-mutation-options";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { useTRPC } from "@/trpc/react";

/** Shadow mode first (no user impact), or the split the plan registered. */
export function AbTestStartButtons({ test }: { test: AbTestView }) {
  const trpc = useTRPC();
  const refresh = useRefreshAbTests();
  const start = useMutation(trpc.abTests.start.mutationOptions({ onSuccess: refresh }));
  const shares = test.arms.map((arm) => `${arm.weight} %`).join(" / ");
  return (
    <div className="flex flex-wrap items-center gap-2">
      {test.status === "PLANNED" && (
        <Button
          variant="secondary"
          disabled={start.isPending}
          onClick={() => start.mutate({ testId: test.id, mode: "SHADOW" })}
          data-testid="ab-test-start-shadow"
          title="The challengers get a mirrored copy of live traffic; their answers are dropped"
        >
          Start in shadow mode
        </Button>
      )}
      <Button
        disabled={start.isPending}
        onClick={() => start.mutate({ testId: test.id, mode: "RUNNING" })}
        data-testid="ab-test-start"
        title={`Split live traffic ${shares}; the pre-registration is fixed from then on`}
      >
        {start.isPending ? "Starting…" : "Start the test"}
      </Button>
      {start.error && (
        <span role="alert" className="text-sm text-rose-700" data-testid="ab-test-start-error">
          {start.error.message}
        </span>
      )}
    </div>
  );
}
