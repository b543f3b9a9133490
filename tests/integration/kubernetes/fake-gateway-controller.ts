import { isDeepStrictEqual } from "node:util";

/*
 * What a Gateway API implementation writes into an HTTPRoute's status: per parentRef, Accepted (the route attached to
 * the Gateway) and ResolvedRefs (every backendRef, mirrors' too, names a Service that exists), each stamped with the
 * generation it describes. This controller accepts every parent; whether a backend resolves depends on the Services in the store.
 */

export const CONTROLLER_NAME = "example.test/fake-gateway-controller";

type Condition = {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
  observedGeneration: number;
  lastTransitionTime: string;
};

type BackendRef = { group?: string; kind?: string; name: string; namespace?: string };
type Route = {
  metadata: { namespace: string; generation: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};
type ServiceExists = (namespace: string, name: string) => boolean;

/**
 * The weighted backends and the RequestMirror filters' backends: a mirror whose Service does not exist is an invalid
 * reference too (Gateway API HTTPRequestMirrorFilter.backendRef: "If the referent cannot be found, this BackendRef is
 * invalid and must be dropped from the Gateway. The controller must ensure the ResolvedRefs condition on the Route
 * status is set to status: False").
 */
function backendRefs(route: Route): BackendRef[] {
  type Rule = { backendRefs?: BackendRef[]; filters?: { requestMirror?: { backendRef?: BackendRef } }[] };
  const rules = (route.spec?.rules ?? []) as Rule[];
  return rules.flatMap((rule) => [
    ...(rule.backendRefs ?? []),
    ...(rule.filters ?? []).flatMap((filter) => filter.requestMirror?.backendRef ?? []),
  ]);
}

function unresolved(route: Route, serviceExists: ServiceExists): { reason: string; message: string } | undefined {
  for (const ref of backendRefs(route)) {
    if ((ref.group ?? "") !== "" || (ref.kind ?? "Service") !== "Service")
      return { reason: "InvalidKind", message: `backendRef ${ref.name} is not a core Service` };
    const namespace = ref.namespace ?? route.metadata.namespace;
    if (!serviceExists(namespace, ref.name))
      return { reason: "BackendNotFound", message: `Service ${namespace}/${ref.name} not found` };
  }
  return undefined;
}

function conditions(route: Route, serviceExists: ServiceExists, now: string): Condition[] {
  const stamp = { observedGeneration: route.metadata.generation, lastTransitionTime: now };
  const problem = unresolved(route, serviceExists);
  return [
    { type: "Accepted", status: "True", reason: "Accepted", message: "Route is accepted", ...stamp },
    problem
      ? { type: "ResolvedRefs", status: "False", ...problem, ...stamp }
      : {
          type: "ResolvedRefs",
          status: "True",
          reason: "ResolvedRefs",
          message: "Resolved all the Object references for the Route",
          ...stamp,
        },
  ];
}

type ParentStatus = { parentRef: unknown; controllerName: string; conditions: Condition[] };

/** A transition time changes only when a condition's status does. */
function keepTransitionTimes(next: ParentStatus[], previous: ParentStatus[]): ParentStatus[] {
  return next.map((parent, index) => ({
    ...parent,
    conditions: parent.conditions.map((condition) => {
      const before = previous[index]?.conditions.find((old) => old.type === condition.type);
      return before?.status === condition.status
        ? { ...condition, lastTransitionTime: before.lastTransitionTime }
        : condition;
    }),
  }));
}

/** The route's new status, or undefined when it would not change. */
export function reconcileRoute(route: Route, serviceExists: ServiceExists, now: string) {
  const parentRefs = (route.spec?.parentRefs ?? []) as unknown[];
  const previous = ((route.status?.parents ?? []) as ParentStatus[]).filter(
    (parent) => parent.controllerName === CONTROLLER_NAME,
  );
  const parents = keepTransitionTimes(
    parentRefs.map((parentRef) => ({
      parentRef,
      controllerName: CONTROLLER_NAME,
      conditions: conditions(route, serviceExists, now),
    })),
    previous,
  );
  return isDeepStrictEqual(parents, previous) ? undefined : { parents };
}
