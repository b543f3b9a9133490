import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";

/*
 * A Kubernetes API server for exactly the REST calls the Kubernetes target makes: API discovery, server-side apply
 * (PATCH with application/apply-patch+yaml), GET of one object, list by label selector and DELETE, for Deployments,
 * Services, HorizontalPodAutoscalers and HTTPRoutes. Objects live in memory; the test plays the Deployment controller
 * by setting Deployment status. Every request is recorded so tests can assert paths, methods and parameters.
 */

type Resource = { groupVersion: string; plural: string; kind: string };

const RESOURCES: Resource[] = [
  { groupVersion: "v1", plural: "services", kind: "Service" },
  { groupVersion: "apps/v1", plural: "deployments", kind: "Deployment" },
  { groupVersion: "autoscaling/v2", plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler" },
  { groupVersion: "gateway.networking.k8s.io/v1", plural: "httproutes", kind: "HTTPRoute" },
];

export type StoredObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
};

export type DeploymentCondition = "ready" | "progressing" | "deadline-exceeded" | "replica-failure";

type InjectedFailure = { method: string; pathIncludes: string; status: number; reason: string; message: string };

const basePath = (groupVersion: string) =>
  groupVersion.includes("/") ? `/apis/${groupVersion}` : `/api/${groupVersion}`;

function statusBody(code: number, reason: string, message: string) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 400 ? "Success" : "Failure",
    reason,
    message,
    code,
  };
}

function matchesSelector(object: StoredObject, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return key !== undefined && object.metadata.labels?.[key] === value;
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  private readonly store = new Map<string, StoredObject>();
  private readonly failures: InjectedFailure[] = [];
  private nextVersion = 1;
  private server: Server | undefined;

  constructor(readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) =>
        this.send(response, 500, statusBody(500, "InternalError", String(error))),
      );
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  /** Requests that change something (everything but GET). */
  writes(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== "GET");
  }

  clearRequests() {
    this.requests.length = 0;
  }

  object(kind: string, namespace: string, name: string): StoredObject | undefined {
    return this.store.get(`${kind}/${namespace}/${name}`);
  }

  objects(kind: string): StoredObject[] {
    return [...this.store.values()].filter((object) => object.kind === kind);
  }

  /** Puts an object in the store as if someone else had created it. */
  seed(
    object: Pick<StoredObject, "apiVersion" | "kind" | "spec"> & {
      metadata: { name: string; namespace: string; labels?: Record<string, string> };
    },
  ) {
    this.save({ ...object, metadata: this.newMetadata(object.metadata) });
  }

  /** The next request with this method whose path contains `pathIncludes` is answered with an error. */
  failNext(failure: InjectedFailure) {
    this.failures.push(failure);
  }

  /** Plays the Deployment controller: reports the rollout of the current generation as the given condition. */
  setDeploymentStatus(namespace: string, name: string, condition: DeploymentCondition) {
    const deployment = this.object("Deployment", namespace, name);
    if (!deployment) throw new Error(`No Deployment ${namespace}/${name}`);
    const desired = typeof deployment.spec?.replicas === "number" ? deployment.spec.replicas : 1;
    const available = condition === "ready" ? desired : 0;
    const now = new Date().toISOString();
    const conditions = {
      ready: [
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
        },
        {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          message: `ReplicaSet "${name}-7d4b9" has successfully progressed.`,
        },
      ],
      progressing: [
        {
          type: "Available",
          status: "False",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
        },
        {
          type: "Progressing",
          status: "True",
          reason: "ReplicaSetUpdated",
          message: `ReplicaSet "${name}-7d4b9" is progressing.`,
        },
      ],
      "deadline-exceeded": [
        {
          type: "Available",
          status: "False",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
        },
        {
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: `ReplicaSet "${name}-7d4b9" has timed out progressing.`,
        },
      ],
      "replica-failure": [
        {
          type: "Available",
          status: "False",
          reason: "MinimumReplicasUnavailable",
          message: "Deployment does not have minimum availability.",
        },
        {
          type: "ReplicaFailure",
          status: "True",
          reason: "FailedCreate",
          message: 'pods "x" is forbidden: exceeded quota: gpu-quota',
        },
      ],
    }[condition].map((entry) => ({ ...entry, lastUpdateTime: now, lastTransitionTime: now }));
    deployment.status = {
      observedGeneration: deployment.metadata.generation,
      replicas: desired,
      updatedReplicas: condition === "replica-failure" ? 0 : desired,
      readyReplicas: available,
      availableReplicas: available,
      ...(available < desired ? { unavailableReplicas: desired - available } : {}),
      conditions,
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const text = await readBody(request);
    this.requests.push({
      method: request.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: request.headers["content-type"],
      authorization: request.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    });
    if (request.headers.authorization !== `Bearer ${this.token}`)
      return this.send(response, 401, statusBody(401, "Unauthorized", "Unauthorized"));
    const failureIndex = this.failures.findIndex(
      (failure) => failure.method === request.method && url.pathname.includes(failure.pathIncludes),
    );
    if (failureIndex >= 0) {
      const [failure] = this.failures.splice(failureIndex, 1);
      if (failure)
        return this.send(response, failure.status, statusBody(failure.status, failure.reason, failure.message));
    }
    const discovered = RESOURCES.find((resource) => url.pathname === basePath(resource.groupVersion));
    if (discovered && request.method === "GET")
      return this.send(response, 200, this.discovery(discovered.groupVersion));
    const route = this.route(url.pathname);
    if (!route)
      return this.send(response, 404, statusBody(404, "NotFound", `the server could not find the requested resource`));
    const { resource, namespace, name } = route;
    if (request.method === "GET" && !name)
      return this.list(response, resource, namespace, url.searchParams.get("labelSelector") ?? undefined);
    if (!name) return this.send(response, 405, statusBody(405, "MethodNotAllowed", "only GET on collections"));
    if (request.method === "GET") return this.get(response, resource, namespace, name);
    if (request.method === "PATCH") return this.apply(response, request, url, resource, namespace, name, text);
    if (request.method === "DELETE") return this.remove(response, resource, namespace, name);
    return this.send(response, 405, statusBody(405, "MethodNotAllowed", `${request.method} is not supported here`));
  }

  private route(pathname: string): { resource: Resource; namespace: string; name?: string } | undefined {
    for (const resource of RESOURCES) {
      const prefix = `${basePath(resource.groupVersion)}/namespaces/`;
      if (!pathname.startsWith(prefix)) continue;
      const [namespace, plural, name, ...rest] = pathname.slice(prefix.length).split("/");
      if (namespace && plural === resource.plural && rest.length === 0)
        return { resource, namespace, name: name || undefined };
    }
    return undefined;
  }

  private discovery(groupVersion: string) {
    return {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion,
      resources: RESOURCES.filter((resource) => resource.groupVersion === groupVersion).map((resource) => ({
        name: resource.plural,
        singularName: resource.kind.toLowerCase(),
        namespaced: true,
        kind: resource.kind,
        verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
      })),
    };
  }

  private list(response: ServerResponse, resource: Resource, namespace: string, selector: string | undefined) {
    const items = this.objects(resource.kind).filter(
      (object) => object.metadata.namespace === namespace && matchesSelector(object, selector),
    );
    this.send(response, 200, {
      apiVersion: resource.groupVersion,
      kind: `${resource.kind}List`,
      metadata: { resourceVersion: String(this.nextVersion) },
      items,
    });
  }

  private get(response: ServerResponse, resource: Resource, namespace: string, name: string) {
    const object = this.object(resource.kind, namespace, name);
    if (!object) return this.send(response, 404, statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
    this.send(response, 200, object);
  }

  private remove(response: ServerResponse, resource: Resource, namespace: string, name: string) {
    if (!this.store.delete(`${resource.kind}/${namespace}/${name}`)) {
      return this.send(response, 404, statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
    }
    this.send(response, 200, { ...statusBody(200, "", ""), details: { name, kind: resource.plural } });
  }

  /** Server-side apply with one field manager: the applied configuration replaces spec, labels and annotations. */
  private apply(
    response: ServerResponse,
    request: IncomingMessage,
    url: URL,
    resource: Resource,
    namespace: string,
    name: string,
    text: string,
  ) {
    if (request.headers["content-type"] !== "application/apply-patch+yaml") {
      return this.send(
        response,
        415,
        statusBody(415, "UnsupportedMediaType", `unsupported patch type ${request.headers["content-type"]}`),
      );
    }
    if (!url.searchParams.get("fieldManager")) {
      return this.send(
        response,
        422,
        statusBody(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value'),
      );
    }
    const applied = JSON.parse(text) as Partial<StoredObject> & { metadata?: { name?: string; namespace?: string } };
    if (
      applied.kind !== resource.kind ||
      applied.apiVersion !== resource.groupVersion ||
      applied.metadata?.name !== name
    ) {
      return this.send(
        response,
        400,
        statusBody(400, "BadRequest", "the object in the body does not match the request path"),
      );
    }
    const existing = this.object(resource.kind, namespace, name);
    if (!existing) {
      this.save({
        apiVersion: applied.apiVersion,
        kind: applied.kind,
        metadata: this.newMetadata({ ...applied.metadata, name, namespace }),
        spec: applied.spec,
      });
      return this.send(response, 201, this.object(resource.kind, namespace, name));
    }
    // An applier that leaves out replicas (an autoscaler owns them) keeps the live count.
    const keepsReplicas =
      existing.kind === "Deployment" && applied.spec?.replicas === undefined && existing.spec?.replicas !== undefined;
    const spec = { ...(keepsReplicas ? { replicas: existing.spec?.replicas } : {}), ...applied.spec };
    const specChanged = !isDeepStrictEqual(spec, existing.spec);
    const metadataChanged =
      !isDeepStrictEqual(applied.metadata?.labels, existing.metadata.labels) ||
      !isDeepStrictEqual(applied.metadata?.annotations, existing.metadata.annotations);
    if (specChanged || metadataChanged) {
      existing.spec = spec;
      existing.metadata = {
        ...existing.metadata,
        labels: applied.metadata?.labels,
        annotations: applied.metadata?.annotations,
        generation: existing.metadata.generation + (specChanged ? 1 : 0),
        resourceVersion: String(this.nextVersion++),
      };
    }
    this.send(response, 200, existing);
  }

  private newMetadata(metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }): StoredObject["metadata"] {
    const version = this.nextVersion++;
    return {
      ...metadata,
      uid: `00000000-0000-4000-8000-${String(version).padStart(12, "0")}`,
      resourceVersion: String(version),
      generation: 1,
      creationTimestamp: new Date().toISOString(),
    };
  }

  private save(object: StoredObject) {
    this.store.set(`${object.kind}/${object.metadata.namespace}/${object.metadata.name}`, object);
  }

  private send(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  }
}
