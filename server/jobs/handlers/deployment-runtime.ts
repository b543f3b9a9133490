import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { kubernetesArtifactUri } from "@/server/jobs/handlers/kubernetes-artifact-uri";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { ScrapeGuardrails } from "@/server/integrations/local-runtime/scrape-guardrails";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import type { DeploymentTarget } from "@/server/integrations/targets/deployment-target";
import type { GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import type { ArtifactSource } from "@/server/integrations/sagemaker/model-artifacts";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { AppError } from "@/server/errors";
import { env } from "@/server/env";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import type { SystemContext } from "@/server/services/context";
import type { DeploymentRuntime } from "@/server/services/deployments/deployment-run";
import { randomUUID } from "node:crypto";
import os from "node:os";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { errorMessage } from "@/lib/error-message";

/** This worker process, as the owner of the deployments it leases. */
const WORKER_IDENTITY = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** SageMaker uploads model data from the artifact store, whichever it is. */
export const storeArtifactSource = (store: ArtifactStore): ArtifactSource => ({
  size: (sha256) => store.size(sha256),
  open: async (sha256) => Readable.fromWeb((await store.get(sha256)) as NodeReadableStream<Uint8Array>),
});

type WiredTarget = { target: DeploymentTarget; guardrails: GuardrailSource };

/** Each target with where its guardrail readings come from: the runtime's metrics, Prometheus, CloudWatch. */
const FACTORIES: Record<DeploymentTargetKind, (context: SystemContext) => WiredTarget> = {
  LOCAL: (context) => ({
    target: new LocalRuntimeTarget(context.runtime.config),
    guardrails: new ScrapeGuardrails(`${context.runtime.baseUrl}/metrics`, context.runtime.config.metricsToken),
  }),
  SAGEMAKER: (context) => {
    const target = SageMakerTarget.fromEnv({ artifacts: storeArtifactSource(context.artifacts) });
    return { target, guardrails: target.guardrails() };
  },
  KUBERNETES: (context) => {
    const target = KubernetesTarget.fromEnv();
    return { target, guardrails: target.guardrails(context.prometheus) };
  },
};

/** The real targets, built on first use; a target whose configuration is missing fails the deployment clearly. */
function targets(context: SystemContext) {
  const built = new Map<DeploymentTargetKind, WiredTarget>();
  return (kind: DeploymentTargetKind) => {
    let wired = built.get(kind);
    if (!wired) {
      try {
        wired = FACTORIES[kind](context);
      } catch (error) {
        throw new DeploymentFailure(`The ${kind.toLowerCase()} target is not configured: ${errorMessage(error)}`);
      }
      built.set(kind, wired);
    }
    return wired;
  };
}

/**
 * Where a target finds an artifact: the local runtime loads a file on this machine (the local store's own, or a
 * verified download from S3); SageMaker uploads the bytes to `<MODELPORT_SAGEMAKER_S3_PREFIX>/<sha256>/<the artifact's
 * file name>` itself (the variant carries the file name) and only needs a stable key here; Kubernetes: see
 * kubernetes-artifact-uri.ts.
 */
function artifactLocator(store: ArtifactStore) {
  return async (artifact: { sha256: string; path: string }, kind: DeploymentTargetKind) => {
    if (kind === "KUBERNETES") return kubernetesArtifactUri(artifact.sha256);
    if (kind !== "LOCAL") return `artifacts/${artifact.sha256}/model`;
    return store.localFile(artifact.sha256).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "NOT_FOUND")
        throw new DeploymentFailure("The artifact's bytes are missing from the artifact store");
      throw error;
    });
  };
}

export function deploymentRuntime(context: SystemContext): DeploymentRuntime {
  const wired = targets(context);
  return {
    target: (kind) => wired(kind).target,
    guardrails: (kind) => wired(kind).guardrails,
    artifactUri: artifactLocator(context.artifacts),
    artifactExists: (sha256) => context.artifacts.exists(sha256),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    guardrailPollMs: 2_000,
    settings: context.settings,
    // One owner per run, so that two runs in one process can never both hold the lease.
    lease: { owner: `${WORKER_IDENTITY}:${randomUUID().slice(0, 8)}`, ttlMs: env().DEPLOYMENT_LEASE_MS },
  };
}
