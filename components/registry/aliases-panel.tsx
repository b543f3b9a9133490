"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { AliasBadge } from "@/components/registry/alias-badge";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { versionHref } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";
import { RemoveAliasForm } from "@/components/registry/remove-alias-form";
import { SetAliasForm } from "@/components/registry/set-alias-form";
import Link from "next/link";

type Model = RouterOutputs["registry"]["get"];
type OpenDialog = { kind: "set"; alias?: string } | { kind: "remove"; alias: string } | null;

/** Where each alias points now, with the controls to move, set or remove one. */
export function AliasesPanel({ model, canWrite }: { model: Model; canWrite: boolean }) {
  const trpc = useTRPC();
  const protectedAliases = useQuery(trpc.registry.protectedAliases.queryOptions());
  const isProtected = (alias: string) => protectedAliases.data?.some((p) => p.alias === alias) ?? true;
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const close = () => setDialog(null);
  const current = new Map(model.aliases.map((a) => [a.alias, a.version]));

  return (
    <div className="space-y-3">
      {model.aliases.length === 0 ? (
        <p className="text-sm text-slate-500">
          No aliases. An alias such as <span className="font-mono">production</span> names the version that serving
          should use.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="aliases-list">
          {model.aliases.map((a) => (
            <li key={a.alias} className="flex items-center justify-between gap-2 py-2">
              <div className="min-w-0">
                <Link href={versionHref(model.name, a.version)}>
                  <AliasBadge alias={a.alias} version={a.version} />
                </Link>
                <p className="mt-1 text-xs text-slate-500">
                  {a.updatedBy ? `${a.updatedBy.name} · ` : ""}
                  <time dateTime={a.updatedAt.toISOString()}>{formatDateTime(a.updatedAt)}</time>
                </p>
              </div>
              {canWrite && isProtected(a.alias) && (
                <span className="shrink-0 text-xs text-slate-500" data-testid="protected-alias">
                  Moves by promotion
                </span>
              )}
              {canWrite && !isProtected(a.alias) && (
                <div className="flex shrink-0 gap-1">
                  <Button
                    variant="secondary"
                    size="sm"
                    onClick={() => setDialog({ kind: "set", alias: a.alias })}
                    aria-label={`Move alias ${a.alias}`}
                  >
                    Move
                  </Button>
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => setDialog({ kind: "remove", alias: a.alias })}
                    aria-label={`Remove alias ${a.alias}`}
                  >
                    Remove
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setDialog({ kind: "set" })}
          disabled={model.versionCount === 0}
          title={model.versionCount === 0 ? "Register a version first" : undefined}
          data-testid="set-alias"
        >
          Set alias
        </Button>
      )}
      <DialogFrame
        open={dialog?.kind === "set"}
        onOpenChange={(open) => !open && close()}
        title={dialog?.kind === "set" && dialog.alias ? `Move alias ${dialog.alias}` : "Set alias"}
        description="Point an alias at a version. The move and its reason are kept in the alias history."
      >
        {dialog?.kind === "set" && (
          <SetAliasForm
            modelName={model.name}
            versions={model.versions}
            versionCount={model.versionCount}
            current={current}
            fixedAlias={dialog.alias}
            onDone={close}
          />
        )}
      </DialogFrame>
      <DialogFrame
        open={dialog?.kind === "remove"}
        onOpenChange={(open) => !open && close()}
        title={dialog?.kind === "remove" ? `Remove alias ${dialog.alias}` : "Remove alias"}
        description="Anything that resolves this alias will stop finding a version. The removal is kept in the alias history."
      >
        {dialog?.kind === "remove" && <RemoveAliasForm modelName={model.name} alias={dialog.alias} onDone={close} />}
      </DialogFrame>
    </div>
  );
}
