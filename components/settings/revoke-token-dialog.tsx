"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogClose } from "@/components/ui/dialog-close";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { useTRPC } from "@/trpc/react";

type Props = {
  token: { id: string; name: string; prefix: string };
  /** "any": an admin revoking someone else's token. */
  owner?: "own" | "any";
};

export function RevokeTokenDialog({ token, owner = "own" }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const procedure = owner === "any" ? trpc.admin.tokens.revokeAny : trpc.admin.tokens.revoke;
  const revoke = useMutation(
    procedure.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.pathKey() });
        setOpen(false);
      },
    }),
  );
  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) revoke.reset();
      }}
      size="sm"
      title={`Revoke “${token.name}”?`}
      description={
        <>
          Pipelines using the token <code className="font-mono">{token.prefix}…</code> will get 401 Unauthorized from
          their next request. This cannot be undone.
        </>
      }
      trigger={
        <Button
          variant="secondary"
          size="sm"
          aria-label={`Revoke token ${token.name}`}
          data-testid={`revoke-${token.id}`}
        >
          Revoke
        </Button>
      }
    >
      <div className="space-y-4">
        {revoke.error && (
          <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
            {revoke.error.message}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <DialogClose>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            variant="danger"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate({ tokenId: token.id })}
            data-testid="confirm-revoke"
          >
            {revoke.isPending ? "Revoking…" : "Revoke token"}
          </Button>
        </div>
      </div>
    </DialogFrame>
  );
}
