import type { ModelFormat, TaskType } from "@/contracts/enums";

export const TASK_TYPE_LABELS: Record<TaskType, string> = {
  CLASSIFICATION: "Classification",
  REGRESSION: "Regression",
  RANKING: "Ranking",
  LLM: "LLM",
  OTHER: "Other",
};

export const FORMAT_LABELS: Record<ModelFormat, string> = { ONNX: "ONNX", VLLM: "vLLM", CONTAINER: "Container" };

const metric = new Intl.NumberFormat(undefined, { maximumSignificantDigits: 4 });

export function formatMetric(value: number): string {
  return metric.format(value);
}

export const modelHref = (name: string) => `/models/${encodeURIComponent(name)}`;
export const versionHref = (name: string, version: number) => `${modelHref(name)}/versions/${version}`;
export const runHref = (run: { experimentId: string; id: string }) => `/experiments/${run.experimentId}/runs/${run.id}`;
export const artifactDownloadHref = (artifactId: string) => `/api/artifacts/${artifactId}`;

/** The value a datetime-local input shows for an instant, in the browser's time zone. */
export function toDateTimeLocalValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
