import { Badge } from "@/components/ui/badge";
import type { DeploymentTargetKind } from "@/contracts/enums";

const LABELS: Record<DeploymentTargetKind, string> = {
  LOCAL: "local",
  SAGEMAKER: "SageMaker",
  KUBERNETES: "Kubernetes",
};

/** Where an endpoint runs, and so where its predictions are counted. */
export function TargetBadge({ target }: { target: DeploymentTargetKind }) {
  return (
    <Badge tone="indigo" className="ml-2">
      {LABELS[target]}
    </Badge>
  );
}
