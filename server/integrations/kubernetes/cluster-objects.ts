import { ApiException, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from "@kubernetes/client-node";
import { z } from "zod";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { loadKubeConfig } from "@/server/integrations/kubernetes/kube-config";
import { FIELD_MANAGER } from "@/server/integrations/kubernetes/labels";
import type { ObjectKind } from "@/server/integrations/kubernetes/object-kinds";
import type { RenderedObject } from "@/server/integrations/kubernetes/render-endpoint";

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

const statusSchema = z.object({ message: z.string().min(1) });

/** The API server answers errors with a Status object; the client library hands it over as JSON text. */
function statusMessage(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  let parsed: unknown = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return text;
    }
  }
  const status = statusSchema.safeParse(parsed);
  return status.success ? status.data.message : text;
}

/** Adds which call failed to the API server's answer, keeping the original as the cause. */
function describeFailure(action: string, kind: ObjectKind, name: string, error: unknown): Error {
  if (!(error instanceof ApiException))
    return new Error(`Kubernetes ${action} ${kind.kind} ${name} failed`, { cause: error });
  return new Error(
    `Kubernetes ${action} ${kind.kind} ${name} failed (HTTP ${error.code}): ${statusMessage(error.body)}`,
    { cause: error },
  );
}

/** The rendered (schema-typed) object in the client library's shape; rendered objects never carry timestamps. */
function toClientObject(object: RenderedObject): KubernetesObject {
  const { metadata, ...body } = object;
  const { name, namespace, labels, annotations } = metadata ?? {};
  return { ...body, metadata: { name, namespace, labels, annotations } };
}

/** The handful of REST calls the target makes, in one namespace, through the client library's generic object API. */
export class ClusterObjects {
  constructor(
    private readonly api: KubernetesObjectApi,
    readonly namespace: string,
  ) {}

  static connect(config: KubernetesTargetConfig): ClusterObjects {
    return new ClusterObjects(KubernetesObjectApi.makeApiClient(loadKubeConfig(config)), config.namespace);
  }

  /** Server-side apply: PATCH with application/apply-patch+yaml, fieldManager=modelport, force=true. */
  async apply(object: RenderedObject): Promise<KubernetesObject> {
    const name = object.metadata?.name ?? "";
    try {
      return await this.api.patch(
        toClientObject(object),
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
    } catch (error) {
      throw describeFailure("apply", object, name, error);
    }
  }

  async read<T extends KubernetesObject>(kind: ObjectKind, name: string): Promise<T | undefined> {
    try {
      return await this.api.read<T>({ ...kind, metadata: { name, namespace: this.namespace } });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw describeFailure("read", kind, name, error);
    }
  }

  async list<T extends KubernetesObject>(kind: ObjectKind, labelSelector: string): Promise<T[]> {
    try {
      const list = await this.api.list<T>(
        kind.apiVersion,
        kind.kind,
        this.namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      return list.items;
    } catch (error) {
      throw describeFailure("list", kind, labelSelector, error);
    }
  }

  /** Deleting an object that is already gone is not an error. Dependents (ReplicaSets, Pods) go in the background. */
  async remove(kind: ObjectKind, name: string): Promise<void> {
    try {
      await this.api.delete(
        { ...kind, metadata: { name, namespace: this.namespace } },
        undefined,
        undefined,
        undefined,
        undefined,
        "Background",
      );
    } catch (error) {
      if (isNotFound(error)) return;
      throw describeFailure("delete", kind, name, error);
    }
  }
}
