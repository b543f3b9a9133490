"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useTRPC } from "@/trpc/react";
import { DeploymentsTable } from "@/components/deployments/deployments-table";

/** Recent deployments, newest first; `modelName` (from ?model=) narrows them to one model. */
export function DeploymentsPage({ modelName }: { modelName: string | null }) {
  const trpc = useTRPC();
  const list = useQuery(
    trpc.deployments.list.queryOptions({ modelName: modelName ?? undefined, take: 100 }, { refetchInterval: 10_000 }),
  );
  return (
    <>
      <PageHeader
        title="Deployments"
        description={
          modelName ? (
            <>
              Deployments of {modelName} ·{" "}
              <Link href="/deployments" className="text-indigo-700 hover:underline">
                show all
              </Link>
            </>
          ) : (
            "The most recent deployments of every model. Promote a version from its page to start one."
          )
        }
      />
      {list.isPending ? (
        <LoadingState label="Loading deployments…" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="No deployments yet" description="Open a model version and choose Promote to deploy it." />
      ) : (
        <DeploymentsTable rows={list.data} />
      )}
    </>
  );
}
