import type { DeploymentEnvironment, DeploymentTargetKind } from "@/contracts/enums";

/** The name of a model's endpoint in an environment on a target: one per (model, environment, target). */
export const endpointNameFor = (modelName: string, environment: DeploymentEnvironment, target: DeploymentTargetKind) =>
  `${modelName}-${environment.toLowerCase()}-${target.toLowerCase()}`;
