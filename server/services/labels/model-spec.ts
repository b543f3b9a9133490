import { classesOf, type OutcomeSpec } from "@/contracts/outcomes";
import type { LabelSchema } from "@/contracts/labels";
import type { TaskType } from "@/server/db/generated/enums";

export type ModelRow = { taskType: TaskType; outcomeClasses: string[]; decisionThreshold: number };

/** How a model's predictions become outcomes: classifiers by their classes and threshold, everything else a value. */
export function outcomeSpecOf(model: ModelRow): OutcomeSpec {
  return model.taskType === "CLASSIFICATION"
    ? { kind: "classification", classes: classesOf(model.outcomeClasses), decisionThreshold: model.decisionThreshold }
    : { kind: "regression" };
}

/** A new queue's label schema when none is given: the model's classes, a rating for LLMs, else a number. */
export function defaultLabelSchema(model: ModelRow): LabelSchema {
  if (model.taskType === "CLASSIFICATION") return { kind: "classes", classes: [...classesOf(model.outcomeClasses)] };
  if (model.taskType === "LLM") return { kind: "rating", scale: 5, comment: true };
  return { kind: "number" };
}
