import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { Job, type IJob } from "kubernetes-models/batch/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { ConfigMap, Namespace, Service, ServiceAccount, type IPodSpec } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";

// The cluster manifests (deploy/kustomize) rendered by the real Kustomize in kubectl, offline; every object checked
// against the Kubernetes schemas (kubernetes-models) and against what Modelport's pods must be: non-root, read-only
// root file system, bounded, probed, reachable only as allowed, secrets referenced and never created.
const ROOT = path.resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

/** The schema each rendered kind is validated against; a kind missing here fails the test (nothing goes unchecked). */
const SCHEMAS: Record<string, new (object: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/Service": Service,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
};

async function render(directory: string): Promise<K8sObject[]> {
  const { stdout } = await run("kubectl", ["kustomize", path.join(ROOT, directory)], { maxBuffer: 16 * 1024 * 1024 });
  return parseAllDocuments(stdout).map((document) => document.toJS() as K8sObject);
}

function validate(object: K8sObject) {
  const Schema = SCHEMAS[`${object.apiVersion}/${object.kind}`];
  if (!Schema) throw new Error(`No schema for ${object.apiVersion} ${object.kind}: add one before rendering it`);
  new Schema(object as never).validate();
}

const byKind = <T>(objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];

/** Every workload's pod template: Deployments and Jobs. */
function podTemplates(objects: K8sObject[]) {
  return [...byKind<IDeployment & K8sObject>(objects, "Deployment"), ...byKind<IJob & K8sObject>(objects, "Job")].map(
    (workload) => ({
      name: workload.metadata.name,
      labels: workload.spec!.template.metadata?.labels ?? {},
      spec: workload.spec!.template.spec as IPodSpec,
    }),
  );
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

describe.each(["deploy/kustomize/base", "deploy/kustomize/overlays/production"])("%s", (directory) => {
  it("renders objects that are all valid against the Kubernetes schemas", async () => {
    const objects = await render(directory);
    expect(objects.length).toBeGreaterThan(15);
    for (const object of objects)
      expect(() => validate(object), `${object.kind}/${object.metadata.name}`).not.toThrow();
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("runs every container non-root with a read-only root file system, no privileges, resources and a pinned image", async () => {
    const pods = podTemplates(await render(directory));
    expect(pods.map((pod) => pod.name).sort()).toEqual(["modelport-migrate", "modelport-portal", "modelport-worker"]);
    for (const pod of pods) {
      expect(pod.spec.securityContext?.runAsNonRoot, pod.name).toBe(true);
      expect(pod.spec.securityContext?.seccompProfile?.type, pod.name).toBe("RuntimeDefault");
      for (const container of pod.spec.containers) {
        const where = `${pod.name}/${container.name}`;
        expect(container.securityContext, where).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
        });
        for (const bound of ["requests", "limits"] as const)
          expect(Object.keys(container.resources?.[bound] ?? {}).sort(), where).toEqual(["cpu", "memory"]);
        expect(container.image, where).toMatch(/:[\w.-]+$/);
        expect(container.image, where).not.toMatch(/:latest$/);
        // Secrets only by reference, and only the one the operator creates.
        const secretNames = [
          ...(container.envFrom ?? []).flatMap((source) => (source.secretRef ? [source.secretRef.name] : [])),
          ...(container.env ?? []).flatMap((variable) =>
            variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef.name] : [],
          ),
        ];
        expect(secretNames.length, where).toBeGreaterThan(0);
        expect(new Set(secretNames), where).toEqual(new Set(["modelport-secrets"]));
      }
    }
  });

  it("wires what refers to what: probes to ports, services, HPA, budgets, ingress and config maps to what exists", async () => {
    const objects = await render(directory);
    const pods = podTemplates(objects);
    const configMaps = new Set(byKind<K8sObject>(objects, "ConfigMap").map((o) => o.metadata.name));
    for (const pod of pods)
      for (const container of pod.spec.containers) {
        const ports = new Set((container.ports ?? []).map((port) => port.name));
        for (const probe of [container.readinessProbe, container.livenessProbe].filter(Boolean))
          expect(ports.has(String(probe!.httpGet!.port)), `${pod.name} probe port`).toBe(true);
        for (const source of container.envFrom ?? [])
          if (source.configMapRef)
            expect(configMaps.has(source.configMapRef.name!), source.configMapRef.name).toBe(true);
      }
    for (const deployment of byKind<IDeployment & K8sObject>(objects, "Deployment")) {
      if (deployment.metadata.name === "modelport-migrate") continue;
      expect(deployment.spec!.template.spec!.containers.every((c) => c.readinessProbe && c.livenessProbe)).toBe(true);
    }
    const podLabels = pods.map((pod) => pod.labels);
    for (const service of byKind<Service & K8sObject>(objects, "Service"))
      expect(
        podLabels.some((labels) => matches(service.spec?.selector, labels)),
        service.metadata.name,
      ).toBe(true);
    for (const budget of byKind<PodDisruptionBudget & K8sObject>(objects, "PodDisruptionBudget"))
      expect(
        podLabels.some((labels) => matches(budget.spec?.selector?.matchLabels, labels)),
        budget.metadata.name,
      ).toBe(true);
    const deployments = new Set(byKind<K8sObject>(objects, "Deployment").map((o) => o.metadata.name));
    for (const hpa of byKind<HorizontalPodAutoscaler & K8sObject>(objects, "HorizontalPodAutoscaler"))
      expect(deployments.has(hpa.spec!.scaleTargetRef.name)).toBe(true);
    const services = new Map(byKind<Service & K8sObject>(objects, "Service").map((s) => [s.metadata.name, s]));
    for (const ingress of byKind<Ingress & K8sObject>(objects, "Ingress"))
      for (const rule of ingress.spec?.rules ?? [])
        for (const { backend } of rule.http?.paths ?? []) {
          const service = services.get(backend.service!.name);
          expect(service?.spec?.ports?.some((port) => port.name === backend.service!.port!.name)).toBe(true);
        }
  });

  it("lets nothing reach a pod that a network policy does not allow", async () => {
    const objects = await render(directory);
    const policies = byKind<NetworkPolicy & K8sObject>(objects, "NetworkPolicy");
    const denyAll = policies.find((policy) => (policy.spec?.ingress ?? []).length === 0);
    expect(denyAll?.spec?.policyTypes).toEqual(["Ingress"]);
    for (const pod of podTemplates(objects))
      expect(matches(denyAll?.spec?.podSelector?.matchLabels, pod.labels), pod.name).toBe(true);
  });
});

describe("the production overlay", () => {
  it("puts every object in its namespace and every image in its registry", async () => {
    const objects = await render("deploy/kustomize/overlays/production");
    for (const object of objects.filter((o) => o.kind !== "Namespace"))
      expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe("modelport");
    for (const pod of podTemplates(objects))
      for (const container of pod.spec.containers)
        expect(container.image).toMatch(/^registry\.example\.internal\/modelport\/[a-z]+:0\.1\.0$/);
  });
});

describe("the schema check", () => {
  it("fails an object Kubernetes would refuse", () => {
    const broken = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "broken" },
      spec: { replicas: "two", selector: {}, template: {} },
    };
    expect(() => validate(broken)).toThrow();
    expect(() => validate({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toThrow(
      /No schema/,
    );
  });
});
