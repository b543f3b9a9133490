import type { AbVerdict, AbVerdictKind } from "@/contracts/abtest-analysis";
import type { BadgeTone } from "@/components/ui/badge";

/** Each verdict's name, colour and meaning in words (the analysis adds the numbers behind it as its reason). */
export const VERDICT_WORDS: Record<AbVerdictKind, { label: string; tone: BadgeTone; meaning: string }> = {
  winner: { label: "Winner", tone: "green", meaning: "better than the champion on the primary metric" },
  loser: { label: "Loser", tone: "red", meaning: "worse than the champion on the primary metric" },
  inconclusive: { label: "Inconclusive", tone: "gray", meaning: "no difference shown yet on the primary metric" },
  frozen: {
    label: "Frozen by SRM",
    tone: "amber",
    meaning: "traffic is not split as configured, so no comparison can be trusted until that is fixed",
  },
  harmful: { label: "Harmful", tone: "red", meaning: "a guardrail metric is breached" },
};

type Arm = { variantName: string; version: number; role: string };

/** "v2" for an arm of the test; the variant's own name when the test no longer lists it. */
export function armName(arms: readonly Arm[], variantName: string): string {
  const arm = arms.find((a) => a.variantName === variantName);
  return arm ? `v${arm.version}` : variantName;
}

/** One sentence per challenger: "v2 is the winner: better than the champion on the primary metric." */
export function verdictHeadline(arms: readonly Arm[], verdict: Pick<AbVerdict, "variantName" | "verdict">): string {
  const words = VERDICT_WORDS[verdict.verdict];
  const name = armName(arms, verdict.variantName);
  const state =
    verdict.verdict === "frozen"
      ? "is frozen by a sample-ratio mismatch"
      : verdict.verdict === "inconclusive"
        ? "is inconclusive"
        : `is ${verdict.verdict === "harmful" ? "harmful" : `the ${verdict.verdict}`}`;
  return `${name} ${state}: ${words.meaning}.`;
}
