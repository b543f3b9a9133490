import Link from "next/link";
import type { ReactNode } from "react";
import { SERVING_MODE_LABELS } from "@/contracts/serving-modes";
import { Badge } from "@/components/ui/badge";
import { versionHref } from "@/components/registry/format";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { rolloutStrategySchema } from "@/contracts/deployments";
import { DecideDialog } from "@/components/deployments/decide-dialog";
import { GatesList } from "@/components/deployments/gates-list";
import { PromotionGateStatus } from "@/components/golden-sets/promotion-gate-status";
import { ENVIRONMENT_LABELS, strategySummary, TARGET_LABELS } from "@/components/deployments/labels";

type PendingPromotion = RouterOutputs["deployments"]["pending"][number];

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="min-w-0 text-slate-800">{children}</dd>
    </div>
  );
}

/** One promotion waiting for a second person, with Approve / Reject for those who may decide. */
export function PendingPromotionCard({
  promotion,
  canApprove,
  highlighted,
}: {
  promotion: PendingPromotion;
  canApprove: boolean;
  highlighted: boolean;
}) {
  const { model, version } = promotion.version;
  const strategy = rolloutStrategySchema.safeParse(promotion.strategy);
  const subject = `${model.name} v${version}`;
  return (
    <li
      className={`rounded-lg border bg-white p-4 shadow-sm ${highlighted ? "border-indigo-400 ring-1 ring-indigo-300" : "border-slate-200"}`}
      data-testid="pending-promotion"
      data-promotion-id={promotion.id}
    >
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 className="flex items-center gap-2 font-semibold text-slate-900">
          <Link href={versionHref(model.name, version)} className="text-indigo-700 hover:underline">
            {subject}
          </Link>
          <span className="text-slate-500">→</span>
          <Badge tone={promotion.environment === "PRODUCTION" ? "amber" : "indigo"}>
            {ENVIRONMENT_LABELS[promotion.environment]}
          </Badge>
        </h2>
        {canApprove && (
          <div className="flex gap-2">
            <DecideDialog promotionId={promotion.id} approve subject={subject} />
            <DecideDialog promotionId={promotion.id} approve={false} subject={subject} />
          </div>
        )}
      </div>
      <dl>
        <Fact label="Target">{TARGET_LABELS[promotion.target]}</Fact>
        <Fact label="Serving mode">
          {promotion.servingMode ? SERVING_MODE_LABELS[promotion.servingMode] : "as the endpoint serves now"}
        </Fact>
        <Fact label="Strategy">
          {strategy.success ? (
            strategySummary(strategy.data)
          ) : (
            <span className="text-rose-700">unreadable strategy</span>
          )}
        </Fact>
        <Fact label="Gates">
          <GatesList gates={promotion.gates} />
          {promotion.environment === "PRODUCTION" && (
            <PromotionGateStatus
              promotionId={promotion.id}
              modelName={model.name}
              version={version}
              subject={subject}
              canApprove={canApprove}
            />
          )}
        </Fact>
        <Fact label="Reason">
          <span className="whitespace-pre-wrap">{promotion.reason}</span>
        </Fact>
        {promotion.abTest && (
          <Fact label="Evidence">
            <Link
              href={`/ab-tests/${promotion.abTest.id}`}
              className="text-indigo-700 hover:underline"
              data-testid="promotion-ab-evidence"
            >
              A/B test “{promotion.abTest.name}”
            </Link>{" "}
            <span className="text-slate-500">(every metric, interval and p-value at the decision)</span>
          </Fact>
        )}
        <Fact label="Requested">
          {promotion.requestedBy.name},{" "}
          <time dateTime={promotion.createdAt.toISOString()} title={formatDateTime(promotion.createdAt)}>
            {formatRelative(promotion.createdAt)}
          </time>
        </Fact>
      </dl>
    </li>
  );
}
