"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { AbTestStatusBadge } from "@/components/abtests/ab-test-status-badge";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { formatDate } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

function decisionWords(test: {
  decision: string | null;
  winnerVersion: number | null;
  decidedBy: { name: string } | null;
}) {
  if (test.decision === "PROMOTE") return `v${test.winnerVersion} promoted by ${test.decidedBy?.name ?? "someone"}`;
  if (test.decision === "KEEP_CHAMPION") return `champion kept by ${test.decidedBy?.name ?? "someone"}`;
  return "no decision yet";
}

/** The A/B tests this version took part in; each links to the test's page, where its evidence is. */
export function VersionAbTestsCard({
  modelName,
  version,
  className,
}: {
  modelName: string;
  version: number;
  className?: string;
}) {
  const trpc = useTRPC();
  const query = useQuery(trpc.abTests.ofVersion.queryOptions({ modelName, version }));
  return (
    <Card title="A/B tests" className={className}>
      {query.isPending ? (
        <LoadingState label="Loading the A/B tests…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : query.data.length === 0 ? (
        <p className="text-sm text-slate-500">This version has not been in an A/B test.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="version-ab-tests">
          {query.data.map((test) => (
            <li key={test.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span className="flex items-center gap-2">
                <Link href={`/ab-tests/${test.id}`} className="font-medium text-indigo-700 hover:underline">
                  {test.name}
                </Link>
                <AbTestStatusBadge status={test.status} />
                <span className="text-slate-500">
                  {test.role === "CHAMPION" ? "champion" : "challenger"} on {test.endpointName}
                </span>
              </span>
              <span className="text-slate-600">
                {decisionWords(test)}
                {test.decidedAt && ` on ${formatDate(test.decidedAt)}`}
                {test.stoppedAt && <span className="ml-2 text-rose-700">taken off: {test.stopReason}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
