import Link from "next/link";
import { AB_STATUS_LABELS } from "@/components/abtests/ab-test-status-badge";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { formatDate } from "@/lib/format";

const box = "mb-4 rounded-md border px-4 py-3 text-sm";

/**
 * Where the test's traffic stands: a move under way (and its last failed try), why it stopped or fell back, which
 * challengers were taken off by a guardrail, and the decision with its promotion.
 */
export function AbTestTrafficBanner({ test }: { test: AbTestView }) {
  const stoppedArms = test.arms.filter((arm) => arm.stoppedAt);
  return (
    <div data-testid="ab-test-traffic">
      {test.pendingStatus && (
        <p className={`${box} border-indigo-200 bg-indigo-50 text-indigo-900`} role="status">
          Moving traffic to <strong>{AB_STATUS_LABELS[test.pendingStatus].toLowerCase()}</strong>…
          {test.transitionError && (
            <span className="mt-1 block text-rose-700" data-testid="ab-test-transition-error">
              Last try failed, retrying: {test.transitionError}
            </span>
          )}
        </p>
      )}
      {!test.pendingStatus && test.status === "PLANNED" && (
        <p className={`${box} border-slate-200 bg-white text-slate-600`} data-testid="ab-test-planned">
          Planned: no traffic has moved yet. The plan below is fixed once the test starts.
          {test.stopReason && <span className="mt-1 block text-rose-700">{test.stopReason}</span>}
        </p>
      )}
      {test.status === "SHADOW" && !test.pendingStatus && (
        <p className={`${box} border-slate-200 bg-white text-slate-600`}>
          Shadow mode: the challengers receive a mirrored copy of every live request; their answers are dropped, so
          callers see only the champion.
        </p>
      )}
      {stoppedArms.map((arm) => (
        <p key={arm.variantName} className={`${box} border-rose-200 bg-rose-50 text-rose-900`} role="alert">
          <strong>{arm.variantName}</strong> was taken off traffic on {formatDate(arm.stoppedAt!)}: {arm.stopReason}
        </p>
      ))}
      {(test.status === "STOPPED" || test.status === "CONCLUDED") && (
        <p className={`${box} border-slate-200 bg-white text-slate-700`} data-testid="ab-test-ended">
          {test.decision === "PROMOTE"
            ? `Concluded by ${test.decidedBy?.name ?? "someone"}: the winner was promoted.`
            : test.decision === "KEEP_CHAMPION"
              ? `Concluded by ${test.decidedBy?.name ?? "someone"}: the champion stays.`
              : "Stopped: the champion serves alone."}{" "}
          {test.stopReason && <span className="text-slate-500">“{test.stopReason}”</span>}
          {test.promotionId && (
            <Link
              href={`/approvals?requested=${encodeURIComponent(test.promotionId)}`}
              className="ml-1 text-indigo-700 hover:underline"
              data-testid="ab-test-promotion-link"
            >
              See the promotion
            </Link>
          )}
        </p>
      )}
    </div>
  );
}
