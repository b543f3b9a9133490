import { z } from "zod";

/**
 * The database enums the UI shows, spelled out so the browser never loads the Prisma client. Each tuple keeps the
 * order of prisma/schema.prisma; tests/unit/contracts/enums.test.ts proves each one equals its Prisma enum.
 */
export const ROLES = ["VIEWER", "DATA_SCIENTIST", "REVIEWER", "MANAGER", "ADMIN"] as const;
export const RUN_STATUSES = ["RUNNING", "FINISHED", "FAILED", "KILLED"] as const;
export const TASK_TYPES = ["CLASSIFICATION", "REGRESSION", "RANKING", "LLM", "OTHER"] as const;
export const MODEL_FORMATS = ["ONNX", "VLLM", "CONTAINER"] as const;
export const DEPLOYMENT_ENVIRONMENTS = ["STAGING", "PRODUCTION"] as const;
export const DEPLOYMENT_TARGET_KINDS = ["LOCAL", "SAGEMAKER", "KUBERNETES"] as const;
export const DEPLOYMENT_STATUSES = [
  "QUEUED",
  "RUNNING",
  "ROLLING_BACK",
  "AWAITING_DECISION",
  "SUCCEEDED",
  "FAILED",
  "ROLLED_BACK",
] as const;
/** A worker still drives these deployments (they can be leased and are re-queued when their job is gone). */
export const DEPLOYMENT_WORKER_STATUSES = [
  "QUEUED",
  "RUNNING",
  "ROLLING_BACK",
] as const satisfies readonly DeploymentStatus[];
/**
 * These deployments hold their endpoint: no other may start on it (the partial unique index
 * `Deployment_one_in_progress_per_endpoint` spells the same list in SQL) and an admin may cancel them.
 */
export const DEPLOYMENT_ACTIVE_STATUSES = [
  ...DEPLOYMENT_WORKER_STATUSES,
  "AWAITING_DECISION",
] as const satisfies readonly DeploymentStatus[];
export const DRIFT_STATUSES = ["OK", "WARN", "ALERT", "INSUFFICIENT_DATA"] as const;

export const roleSchema = z.enum(ROLES);
export const runStatusSchema = z.enum(RUN_STATUSES);
export const taskTypeSchema = z.enum(TASK_TYPES);
export const modelFormatSchema = z.enum(MODEL_FORMATS);
export const deploymentEnvironmentSchema = z.enum(DEPLOYMENT_ENVIRONMENTS);
export const deploymentTargetKindSchema = z.enum(DEPLOYMENT_TARGET_KINDS);
export const deploymentStatusSchema = z.enum(DEPLOYMENT_STATUSES);
export const driftStatusSchema = z.enum(DRIFT_STATUSES);

export type Role = z.infer<typeof roleSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;
export type TaskType = z.infer<typeof taskTypeSchema>;
export type ModelFormat = z.infer<typeof modelFormatSchema>;
export type DeploymentEnvironment = z.infer<typeof deploymentEnvironmentSchema>;
export type DeploymentTargetKind = z.infer<typeof deploymentTargetKindSchema>;
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;
export type DriftStatus = z.infer<typeof driftStatusSchema>;

const oneOf = (statuses: readonly DeploymentStatus[]) => (status: DeploymentStatus) => statuses.includes(status);
export const isWorkerDeploymentStatus = oneOf(DEPLOYMENT_WORKER_STATUSES);
export const isActiveDeploymentStatus = oneOf(DEPLOYMENT_ACTIVE_STATUSES);
