"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { useRefreshAbTests } from "@/components/abtests/use-ab-test-mutation-options";
import { useTRPC } from "@/trpc/react";

const promoteValues = z.object({
  version: z.coerce.number<string>().int().min(1, "Choose the winning challenger"),
  environment: z.enum(["PRODUCTION", "STAGING"]),
  reason: z.string().trim().min(1, "Say why this challenger wins").max(1000),
});
type PromoteValues = z.input<typeof promoteValues>;

/**
 * Promotes a challenger: the test concludes and the winner's promotion opens with the test's evidence attached —
 * its gates, golden set and approvals apply as to any promotion.
 */
export function AbTestPromoteDialog({ test }: { test: AbTestView }) {
  const trpc = useTRPC();
  const refresh = useRefreshAbTests();
  const [open, setOpen] = useState(false);
  const candidates = test.arms.filter((arm) => arm.role === "CHALLENGER" && !arm.stoppedAt);
  const form = useForm<PromoteValues, unknown, z.output<typeof promoteValues>>({
    resolver: zodResolver(promoteValues),
    defaultValues: { version: String(candidates[0]?.version ?? ""), environment: "PRODUCTION", reason: "" },
  });
  const decide = useMutation(trpc.abTests.decide.mutationOptions({ onSuccess: refresh }));
  const { errors } = form.formState;
  const send = form.handleSubmit((values) =>
    decide.mutate(
      { testId: test.id, decision: "PROMOTE", ...values },
      {
        onSuccess: () => setOpen(false),
        onError: (error) => applyServerError(form.setError, error, { fields: ["version", "environment", "reason"] }),
      },
    ),
  );
  if (candidates.length === 0) return null;
  return (
    <DialogFrame
      open={open}
      onOpenChange={setOpen}
      size="md"
      title="Promote the winner?"
      description="The test concludes (the champion serves alone until the promotion deploys) and a promotion of the winner opens with this test's evidence. Production promotions wait for a second person's approval."
      trigger={<Button data-testid="ab-test-promote">Promote the winner</Button>}
    >
      <form onSubmit={send} className="space-y-4" noValidate>
        <FormField id="promote-version" label="Winner" error={fieldMessage(errors.version)}>
          {(control) => (
            <Select {...control} {...form.register("version")} className="w-full">
              {candidates.map((arm) => (
                <option key={arm.variantName} value={arm.version}>
                  Version {arm.version} ({arm.variantName})
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField id="promote-environment" label="Promote to" error={fieldMessage(errors.environment)}>
          {(control) => (
            <Select {...control} {...form.register("environment")} className="w-full">
              <option value="PRODUCTION">Production (needs an approval)</option>
              <option value="STAGING">Staging</option>
            </Select>
          )}
        </FormField>
        <FormField id="promote-reason" label="Reason" error={fieldMessage(errors.reason)}>
          {(control) => (
            <Textarea
              {...control}
              {...form.register("reason")}
              rows={3}
              maxLength={1000}
              onKeyDown={submitOnCtrlEnter}
            />
          )}
        </FormField>
        <p className="text-xs text-slate-500">
          Rolled out as a 10 % canary baked for 5 minutes;{" "}
          <Link href="/approvals" className="text-indigo-700 hover:underline">
            approvals
          </Link>{" "}
          show the evidence.
        </p>
        <FormFooter
          error={errors.root?.server?.message}
          pending={decide.isPending}
          submitLabel="Promote"
          pendingLabel="Promoting…"
          onCancel={() => setOpen(false)}
          errorTestId="ab-test-promote-error"
          submitTestId="ab-test-promote-confirm"
        />
      </form>
    </DialogFrame>
  );
}
