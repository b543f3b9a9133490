"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { useTRPC } from "@/trpc/react";
import { deploymentHref } from "@/components/deployments/labels";

type Props = { promotionId: string; approve: boolean; subject: string };

/** Confirms an approval or rejection with an optional comment; an approval opens the deployment it starts. */
export function DecideDialog({ promotionId, approve, subject }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  const decide = useMutation(
    trpc.deployments.decide.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        setOpen(false);
        if (result.deploymentId) router.push(deploymentHref(result.deploymentId));
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    decide.mutate({ promotionId, approve, comment });
  }

  const verb = approve ? "Approve" : "Reject";
  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) decide.reset();
      }}
      size="md"
      title={`${verb} ${subject}?`}
      description={approve ? "Approving queues the deployment at once." : "The requester will need to ask again."}
      trigger={
        <Button
          variant={approve ? "primary" : "secondary"}
          size="sm"
          data-testid={approve ? "approve-promotion" : "reject-promotion"}
        >
          {verb}
        </Button>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormField
          id={`decide-comment-${promotionId}`}
          label="Comment (optional)"
          error={decide.error?.data?.zodIssues?.[0]?.message}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={3}
              maxLength={1000}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              onKeyDown={submitOnCtrlEnter}
            />
          )}
        </FormField>
        <FormFooter
          error={decide.error && !decide.error.data?.zodIssues?.length ? decide.error.message : null}
          onCancel={() => setOpen(false)}
          pending={decide.isPending}
          submitLabel={verb}
          pendingLabel={approve ? "Approving…" : "Rejecting…"}
          variant={approve ? "primary" : "danger"}
          errorTestId="decide-error"
          submitTestId="decide-confirm"
        />
      </form>
    </DialogFrame>
  );
}
