"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/lib/trpc";

export function RevokeTokenDialog({ token }: { token: { id: string; name: string; prefix: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const revoke = useMutation(
    trpc.admin.tokens.revoke.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.pathKey() });
        setOpen(false);
      },
    }),
  );
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) revoke.reset();
      }}
    >
      <Dialog.Trigger asChild>
        <Button variant="secondary" size="sm" aria-label={`Revoke token ${token.name}`} data-testid={`revoke-${token.id}`}>
          Revoke
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content className="fixed left-1/2 top-1/2 z-50 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 space-y-4 rounded-lg bg-white p-6 shadow-xl focus:outline-none">
          <Dialog.Title className="text-lg font-semibold text-slate-900">Revoke “{token.name}”?</Dialog.Title>
          <Dialog.Description className="text-sm text-slate-600">
            Pipelines using the token <code className="font-mono">{token.prefix}…</code> will get 401 Unauthorized from their next
            request. This cannot be undone.
          </Dialog.Description>
          {revoke.error && (
            <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
              {revoke.error.message}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button variant="secondary">Cancel</Button>
            </Dialog.Close>
            <Button variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ tokenId: token.id })} data-testid="confirm-revoke">
              {revoke.isPending ? "Revoking…" : "Revoke token"}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
