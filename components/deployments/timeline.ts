import type { RouterOutputs } from "@/trpc/react";

type DeploymentEvent = RouterOutputs["deployments"]["get"]["events"][number];

export type StepState = "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped" | "abandoned";

export type TimelineStep = {
  name: string;
  state: StepState;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  message: string;
  /** Whether the step was part of the plan (rollback, for one, happens without being planned). */
  planned: boolean;
};

const STATE_OF_OUTCOME: Record<DeploymentEvent["outcome"], StepState> = {
  RUNNING: "running",
  WAITING: "waiting",
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  SKIPPED: "skipped",
  ABANDONED: "abandoned",
};

function stepFromEvents(name: string, events: DeploymentEvent[], planned: boolean): TimelineStep {
  const latest = events.at(-1);
  if (!latest) return { name, state: "pending", attempts: 0, startedAt: null, finishedAt: null, message: "", planned };
  return {
    name,
    state: STATE_OF_OUTCOME[latest.outcome],
    attempts: Math.max(...events.map((e) => e.attempt)),
    startedAt: latest.startedAt,
    finishedAt: latest.finishedAt,
    message: latest.message,
    planned,
  };
}

/**
 * The planned steps in order, each with what its recorded events say (the latest attempt wins), followed by steps
 * that were recorded without being planned (a rollback) in the order they first happened.
 */
export function mergeTimeline(plannedSteps: readonly string[], events: readonly DeploymentEvent[]): TimelineStep[] {
  const byStep = new Map<string, DeploymentEvent[]>();
  for (const event of events) byStep.set(event.step, [...(byStep.get(event.step) ?? []), event]);
  const planned = plannedSteps.map((name) => stepFromEvents(name, byStep.get(name) ?? [], true));
  const unplanned = [...byStep.entries()]
    .filter(([name]) => !plannedSteps.includes(name))
    .map(([name, stepEvents]) => stepFromEvents(name, stepEvents, false));
  return [...planned, ...unplanned];
}

/** "shift-traffic:2" → "Shift traffic (step 2)", "wait-healthy" → "Wait healthy". */
export function stepLabel(name: string): string {
  const [base = name, index] = name.split(":");
  const words = base.replaceAll("-", " ");
  const label = words.charAt(0).toUpperCase() + words.slice(1);
  return index ? `${label} (step ${index})` : label;
}
