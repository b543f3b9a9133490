import type { IPodSecurityContext, ISecurityContext } from "kubernetes-models/v1";

/** Every container: a fixed non-root user, no privilege escalation, no Linux capabilities, read-only root. */
export function containerSecurityContext(runAsUser: number): ISecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
  };
}

export function podSecurityContext(runAsUser: number): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser,
    runAsGroup: runAsUser,
    fsGroup: runAsUser,
    seccompProfile: { type: "RuntimeDefault" },
  };
}
