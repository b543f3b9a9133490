"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { CreateTokenForm } from "@/components/settings/create-token-form";
import { TokenSecretPanel } from "@/components/settings/token-secret-panel";
import { TokensTable } from "@/components/settings/tokens-table";

type Created = RouterOutputs["admin"]["tokens"]["create"];

export function TokensPage() {
  const trpc = useTRPC();
  const tokens = useQuery(trpc.admin.tokens.list.queryOptions());
  const [created, setCreated] = useState<Created | null>(null);
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let training pipelines and the modelport CLI call the REST API as you. A token can never do more than your role allows."
      />
      <div className="space-y-6">
        {created && (
          <TokenSecretPanel
            key={created.token.id}
            name={created.token.name}
            secret={created.secret}
            onDismiss={() => setCreated(null)}
          />
        )}
        <Card title="New token">
          <CreateTokenForm onCreated={setCreated} />
        </Card>
        <section aria-labelledby="your-tokens" className="space-y-2">
          <h2 id="your-tokens" className="text-sm font-semibold text-slate-800">
            Your tokens
          </h2>
          {tokens.isPending ? (
            <LoadingState label="Loading tokens…" />
          ) : tokens.isError ? (
            <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
          ) : tokens.data.length === 0 ? (
            <EmptyState
              title="No tokens yet"
              description="Create one above for each pipeline, so you can revoke them one at a time."
            />
          ) : (
            <TokensTable tokens={tokens.data} />
          )}
        </section>
      </div>
    </>
  );
}
