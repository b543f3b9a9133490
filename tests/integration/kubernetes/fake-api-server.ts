import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isDeepStrictEqual } from "node:util";
import { reconcileRoute } from "@/tests/integration/kubernetes/fake-gateway-controller";
import {
  conflictMessage,
  managedFieldsOf,
  serverSideApply,
  type Owners,
} from "@/tests/integration/kubernetes/fake-server-side-apply";
import { immutableFieldErrors, objectErrors, type FieldError } from "@/tests/integration/kubernetes/fake-validation";

/*
 * A Kubernetes API server for exactly the REST calls the Kubernetes target makes: API discovery, server-side apply
 * (PATCH with application/apply-patch+yaml), GET of one object, list by label selector and DELETE, for Deployments,
 * Services, HorizontalPodAutoscalers and HTTPRoutes. Objects live in memory. It enforces the rules the target could
 * break: valid names and labels (422), a Deployment's immutable selector (422), and field ownership under
 * server-side apply (409 for a conflicting apply without force; see fake-server-side-apply.ts). A built-in Gateway
 * controller writes HTTPRoute status (fake-gateway-controller.ts) whenever a route or a Service changes, unless
 * paused; the test plays the Deployment controller by setting Deployment status. Every request is recorded so tests
 * can assert paths, methods and parameters.
 */

type Resource = { groupVersion: string; plural: string; kind: string; qualifiedKind: string };

const RESOURCES: Resource[] = [
  { groupVersion: "v1", plural: "services", kind: "Service", qualifiedKind: "Service" },
  { groupVersion: "apps/v1", plural: "deployments", kind: "Deployment", qualifiedKind: "Deployment.apps" },
  {
    groupVersion: "autoscaling/v2",
    plural: "horizontalpodautoscalers",
    kind: "HorizontalPodAutoscaler",
    qualifiedKind: "HorizontalPodAutoscaler.autoscaling",
  },
  {
    groupVersion: "gateway.networking.k8s.io/v1",
    plural: "httproutes",
    kind: "HTTPRoute",
    qualifiedKind: "HTTPRoute.gateway.networking.k8s.io",
  },
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
    managedFields?: unknown[];
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

function invalidBody(resource: Resource, name: string, errors: FieldError[]) {
  const details = errors.map((error) => `${error.field}: ${error.message}`);
  const message = `${resource.qualifiedKind} "${name}" is invalid: ${details.length === 1 ? details[0] : `[${details.join(", ")}]`}`;
  return statusBody(422, "Invalid", message);
}

/** The part of an object server-side apply manages. */
function appliedFields(object: Partial<StoredObject>): Record<string, unknown> {
  const { labels, annotations } = object.metadata ?? {};
  const metadata = { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
  return {
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    ...(object.spec ? { spec: object.spec } : {}),
  };
}

type Fields = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
};

export class FakeKubernetesApi {
  readonly requests: RecordedRequest[] = [];
  private readonly store = new Map<string, StoredObject>();
  private readonly owners = new Map<string, Owners>();
  private readonly failures: InjectedFailure[] = [];
  private nextVersion = 1;
  private server: Server | undefined;
  private gatewayControllerRunning = true;

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
    this.reconcileRoutes();
  }

  /** The next request with this method whose path contains `pathIncludes` is answered with an error. */
  failNext(failure: InjectedFailure) {
    this.failures.push(failure);
  }

  /** Stops the Gateway controller: HTTPRoute status stays as it is until it resumes. */
  pauseGatewayController() {
    this.gatewayControllerRunning = false;
  }

  /** Restarts the Gateway controller, which catches up on every route at once. */
  resumeGatewayController() {
    this.gatewayControllerRunning = true;
    this.reconcileRoutes();
  }

  /** Field manager → the fields it owns (JSON paths), as server-side apply tracks them. */
  fieldOwners(kind: string, namespace: string, name: string): Record<string, string[][]> {
    const owners = this.owners.get(`${kind}/${namespace}/${name}`) ?? new Map<string, Set<string>>();
    return Object.fromEntries(
      [...owners].map(([manager, owned]) => [manager, [...owned].map((key) => JSON.parse(key) as string[])]),
    );
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
    const key = `${resource.kind}/${namespace}/${name}`;
    if (!this.store.delete(key)) {
      return this.send(response, 404, statusBody(404, "NotFound", `${resource.plural} "${name}" not found`));
    }
    this.owners.delete(key);
    this.reconcileRoutes();
    this.send(response, 200, { ...statusBody(200, "", ""), details: { name, kind: resource.plural } });
  }

  /** Deletes an object behind the target's back, as a person with kubectl would. */
  deleteObject(kind: string, namespace: string, name: string) {
    const key = `${kind}/${namespace}/${name}`;
    this.store.delete(key);
    this.owners.delete(key);
    this.reconcileRoutes();
  }

  /** Server-side apply: validated, merged by field ownership, and refused on conflicts unless forced. */
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
    const manager = url.searchParams.get("fieldManager");
    if (!manager) {
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
    const key = `${resource.kind}/${namespace}/${name}`;
    const existing = this.store.get(key);
    const merged = serverSideApply(
      existing ? appliedFields(existing) : {},
      this.owners.get(key) ?? new Map(),
      appliedFields(applied),
      manager,
      url.searchParams.get("force") === "true",
    );
    if (!merged.ok)
      return this.send(
        response,
        409,
        statusBody(409, "Conflict", conflictMessage(merged.conflicts, resource.groupVersion)),
      );
    const fields = this.withDefaults(resource.kind, merged.fields as Fields);
    const errors = [
      ...objectErrors({ kind: resource.kind, metadata: { name, labels: fields.metadata?.labels }, spec: fields.spec }),
      ...(existing ? immutableFieldErrors(resource.kind, existing.spec, fields.spec) : []),
    ];
    if (errors.length > 0) return this.send(response, 422, invalidBody(resource, name, errors));
    const ownersChanged = !isDeepStrictEqual(merged.owners, this.owners.get(key));
    const object = existing ? this.update(existing, fields, ownersChanged) : this.create(applied, namespace, fields);
    if (ownersChanged) {
      this.owners.set(key, merged.owners);
      object.metadata.managedFields = managedFieldsOf(merged.owners, resource.groupVersion, new Date().toISOString());
    }
    this.reconcileRoutes();
    this.send(response, existing ? 200 : 201, this.store.get(key));
  }

  /** The API server's defaulting, for the one default that matters here: a Deployment without replicas gets 1. */
  private withDefaults(kind: string, fields: Fields): Fields {
    if (kind !== "Deployment" || fields.spec?.replicas !== undefined) return fields;
    return { ...fields, spec: { ...fields.spec, replicas: 1 } };
  }

  private create(applied: Partial<StoredObject>, namespace: string, fields: Fields) {
    const name = applied.metadata?.name ?? "";
    const object: StoredObject = {
      apiVersion: applied.apiVersion ?? "",
      kind: applied.kind ?? "",
      metadata: this.newMetadata({ name, namespace, ...fields.metadata }),
      spec: fields.spec,
    };
    this.save(object);
    return object;
  }

  /** Changed fields bump the resource version, a changed spec also the generation. */
  private update(existing: StoredObject, fields: Fields, ownersChanged: boolean) {
    const specChanged = !isDeepStrictEqual(fields.spec, existing.spec);
    const changed =
      ownersChanged ||
      specChanged ||
      !isDeepStrictEqual(fields.metadata?.labels, existing.metadata.labels) ||
      !isDeepStrictEqual(fields.metadata?.annotations, existing.metadata.annotations);
    if (changed) {
      existing.spec = fields.spec;
      existing.metadata = {
        ...existing.metadata,
        labels: fields.metadata?.labels,
        annotations: fields.metadata?.annotations,
        generation: existing.metadata.generation + (specChanged ? 1 : 0),
        resourceVersion: String(this.nextVersion++),
      };
    }
    return existing;
  }

  /** The Gateway controller's pass over every HTTPRoute; a route's status changes only when its conditions do. */
  private reconcileRoutes() {
    if (!this.gatewayControllerRunning) return;
    const now = new Date().toISOString();
    const serviceExists = (namespace: string, name: string) => this.store.has(`Service/${namespace}/${name}`);
    for (const route of this.objects("HTTPRoute")) {
      const status = reconcileRoute(route, serviceExists, now);
      if (!status) continue;
      route.status = status;
      route.metadata.resourceVersion = String(this.nextVersion++);
    }
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
