import { env } from "@/server/env";
import { kubernetesTargetConfigFromEnv } from "@/server/integrations/kubernetes/config";
import { signedArtifactUrl } from "@/server/services/artifacts/signed-links";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";

/**
 * Where a Kubernetes pod finds an artifact. With a model volume claim: the path `artifacts/<sha256>/model` inside the
 * shared model store. In download mode: the portal's signed, expiring link to the blob, which the init container
 * fetches without a credential.
 */
export function kubernetesArtifactUri(sha256: string, now = new Date()): string {
  if (kubernetesTargetConfigFromEnv().modelVolume.kind === "pvc") return `artifacts/${sha256}/model`;
  const settings = env();
  const baseUrl = settings.MODELPORT_PUBLIC_URL ?? settings.NEXTAUTH_URL;
  if (!baseUrl)
    throw new DeploymentFailure(
      "Set MODELPORT_PUBLIC_URL to the portal's URL as pods reach it: Kubernetes download mode fetches artifacts from it",
    );
  return signedArtifactUrl(
    baseUrl,
    sha256,
    { secret: settings.ARTIFACT_URL_SECRET, ttlSeconds: settings.ARTIFACT_URL_TTL_SECONDS },
    now,
  );
}
