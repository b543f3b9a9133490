import { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";

/** A kubeconfig file (default locations when no path), the pod's service account, or an explicit server and token. */
export function loadKubeConfig(config: KubernetesTargetConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  const connection = config.connection;
  switch (connection.kind) {
    case "kubeconfig":
      if (connection.path) kubeConfig.loadFromFile(connection.path);
      else kubeConfig.loadFromDefault();
      if (connection.context) kubeConfig.setCurrentContext(connection.context);
      break;
    case "in-cluster":
      kubeConfig.loadFromCluster();
      break;
    case "token":
      kubeConfig.loadFromOptions({
        clusters: [
          {
            name: "modelport",
            server: connection.server,
            caData: connection.caData,
            skipTLSVerify: connection.skipTlsVerify,
          },
        ],
        users: [{ name: "modelport", token: connection.token }],
        contexts: [{ name: "modelport", cluster: "modelport", user: "modelport", namespace: config.namespace }],
        currentContext: "modelport",
      });
      break;
  }
  return kubeConfig;
}
