import type { LabelValue } from "@/contracts/labels";
import type { ServedBatch } from "@/scripts/traffic/generate-traffic";
import { outcomeOf, type OutcomeKind } from "@/scripts/demo-traffic/feedback-plan";

/** How many served rows' true values are remembered (the oldest are forgotten first). */
export const MAX_REMEMBERED_TRUTHS = 200_000;

/**
 * The true value of every row the DEMO traffic generator was answered for, as a label: what a careful annotator of
 * the synthetic row would give. Only predictions this process sent are known; older ones are left to people.
 */
export class DemoTruths {
  private readonly truths = new Map<string, LabelValue>();

  constructor(private readonly capacity = MAX_REMEMBERED_TRUTHS) {}

  get size(): number {
    return this.truths.size;
  }

  remember(served: ServedBatch, kind: OutcomeKind): void {
    served.predictionIds.forEach((predictionId, row) => {
      const target = served.targets[row];
      const outcome = target === undefined ? undefined : outcomeOf(kind, target);
      if (!outcome) return;
      this.truths.set(
        predictionId,
        "label" in outcome ? { kind: "classes", label: outcome.label } : numberLabel(outcome.value),
      );
    });
    for (const oldest of this.truths.keys()) {
      if (this.truths.size <= this.capacity) break;
      this.truths.delete(oldest);
    }
  }

  of(predictionId: string): LabelValue | undefined {
    return this.truths.get(predictionId);
  }
}

/** Numbers are labelled to one decimal, as a person reading a delivery log would write them. */
export function numberLabel(value: number): LabelValue {
  return { kind: "number", value: Math.round(value * 10) / 10 };
}
