import type { DeploymentTargetKind } from "@/server/db/generated/enums";
import type { DeploymentTarget } from "@/server/integrations/targets/deployment-target";
import type { GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import type { ArtifactLocator } from "@/server/services/deployments/endpoint-variants";
import type { DeploymentRuntime } from "@/server/services/deployments/deployment-run";
import { systemContextFromEnv } from "@/server/context-from-env";

/** One answer from an endpoint, as a client sees it: whether it succeeded and which model version served it. */
export type Invocation = { ok: boolean; version: number | null };

/**
 * A deployment target as the conformance scenarios drive it: the real local runtime, or a stand-in that enforces the
 * real service's rules. The scenarios themselves are the same for every target.
 */
export type TargetHarness = {
  name: string;
  kind: DeploymentTargetKind;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  target: () => DeploymentTarget;
  artifactUri: ArtifactLocator;
  guardrails: () => GuardrailSource;
  /** Registers one more servable version of the model through the REST API, as a training pipeline would. */
  registerVersion: (token: string, modelName: string) => Promise<number>;
  /** Makes a served variant fail its requests, so that its guardrail breaches; resolves once the fault is in place. */
  breakVariant: (endpointName: string, variantName: string) => Promise<void>;
  /**
   * Native targets only: requests served by this version fail from now on while the target's own alarms stay quiet,
   * so only the portal's reading after the target's rollout can catch it.
   */
  failVersion?: (version: number) => void;
  /** A client request through the endpoint. */
  invoke: (endpointName: string) => Promise<Invocation>;
  /** The variants and weights the target itself reports. */
  served: (endpointName: string) => Promise<Record<string, number>>;
  /**
   * Replaces an artifact's stored bytes with bytes that are not a model, as the target will see them; answers a
   * function that puts the original bytes back (the store is content-addressed: other versions may share them).
   */
  spoilArtifact: (sha256: string) => Promise<() => Promise<void>>;
  /** How the failure reason reads when the guardrail that breakVariant trips rolls a release back. */
  breachReason: RegExp;
  /** Puts the target's test hooks back (alarms to OK) after each scenario. */
  reset: () => Promise<void>;
};

/** The worker's deployment runtime on a harness's target, with the guardrail limits every conformance test uses. */
export function harnessRuntime(
  harness: TargetHarness,
  owner: string,
  target: () => DeploymentTarget = harness.target,
): DeploymentRuntime {
  return {
    target,
    artifactUri: harness.artifactUri,
    artifactExists: (sha256) => systemContextFromEnv().artifacts.exists(sha256),
    guardrails: harness.guardrails,
    limits: { maxErrorRate: 0.05, maxP99Ms: 2000, minRequests: 10 },
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    guardrailPollMs: 250,
    lease: { owner, ttlMs: 5000, pollMs: 100 },
  };
}
