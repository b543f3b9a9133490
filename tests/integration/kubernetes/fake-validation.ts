import { isDeepStrictEqual } from "node:util";

/*
 * The API server's validation rules the Kubernetes target could break: object names, label keys and values, a
 * Deployment's selector (it must select the pod template's labels and can never change once created), the HTTPRoute
 * CRD's rules on filters.
 */

export type FieldError = { field: string; message: string };

type Labels = Record<string, unknown> | undefined;
type Validated = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
};

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const invalid = (field: string, value: unknown, reason: string): FieldError => ({
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${reason}`,
});

/** Services need an RFC 1035 label (a Service name becomes a DNS name); the rest are held to RFC 1123 labels here. */
export function nameErrors(kind: string, name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (name.length > 63) errors.push(invalid("metadata.name", name, "must be no more than 63 characters"));
  if (kind === "Service" && !DNS1035_LABEL.test(name))
    errors.push(
      invalid(
        "metadata.name",
        name,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  if (kind !== "Service" && !DNS1123_LABEL.test(name))
    errors.push(
      invalid(
        "metadata.name",
        name,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    );
  return errors;
}

function labelKeyErrors(field: string, key: string): FieldError[] {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const valid =
    name.length <= 63 &&
    QUALIFIED_NAME.test(name) &&
    (prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix)));
  return valid ? [] : [invalid(field, key, "name part must be a qualified name of at most 63 characters")];
}

function labelErrors(field: string, labels: Labels): FieldError[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) => [
    ...labelKeyErrors(field, key),
    ...(typeof value === "string" && value.length <= 63 && LABEL_VALUE.test(value)
      ? []
      : [
          invalid(
            field,
            value,
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
          ),
        ]),
  ]);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function deploymentErrors(spec: Record<string, unknown> | undefined): FieldError[] {
  const selector = record(record(spec?.selector)?.matchLabels) ?? {};
  const templateLabels = record(record(record(spec?.template)?.metadata)?.labels) ?? {};
  const errors = [
    ...labelErrors("spec.selector.matchLabels", selector),
    ...labelErrors("spec.template.metadata.labels", templateLabels),
  ];
  if (Object.keys(selector).length === 0)
    errors.push({ field: "spec.selector", message: "Invalid value: {}: empty selector is invalid for deployment" });
  else if (!Object.entries(selector).every(([key, value]) => templateLabels[key] === value))
    errors.push(
      invalid("spec.template.metadata.labels", templateLabels, "`selector` does not match template `labels`"),
    );
  return errors;
}

type Filter = { type?: string; requestMirror?: unknown; urlRewrite?: unknown; requestRedirect?: unknown };

/**
 * The HTTPRoute CRD's CEL rules on a rule's filters (Gateway API v1, standard channel): a filter carries the field of
 * its type and no other's; URLRewrite and RequestRedirect appear at most once each and not together. RequestMirror may
 * be repeated ("This filter can be used multiple times within the same rule"); whether the gateway supports several is
 * its extended conformance feature HTTPRouteRequestMultipleMirrors.
 */
function httpRouteErrors(spec: Record<string, unknown> | undefined): FieldError[] {
  const rules = Array.isArray(spec?.rules) ? (spec.rules as { filters?: Filter[] }[]) : [];
  return rules.flatMap((rule, index) => {
    const field = `spec.rules[${index}].filters`;
    const filters = rule.filters ?? [];
    const count = (type: string) => filters.filter((filter) => filter.type === type).length;
    const errors: FieldError[] = [];
    for (const filter of filters) {
      if ((filter.type === "RequestMirror") !== (filter.requestMirror !== undefined))
        errors.push({
          field,
          message:
            filter.type === "RequestMirror"
              ? "filter.requestMirror must be specified for RequestMirror filter.type"
              : "filter.requestMirror must be nil if the filter.type is not RequestMirror",
        });
    }
    if (count("URLRewrite") > 1) errors.push({ field, message: "URLRewrite filter cannot be repeated" });
    if (count("RequestRedirect") > 1) errors.push({ field, message: "RequestRedirect filter cannot be repeated" });
    if (count("URLRewrite") > 0 && count("RequestRedirect") > 0)
      errors.push({
        field,
        message: "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both",
      });
    return errors;
  });
}

/** What the API server checks on every create and update of these kinds. */
export function objectErrors(object: Validated): FieldError[] {
  return [
    ...nameErrors(object.kind, object.metadata.name),
    ...labelErrors("metadata.labels", object.metadata.labels),
    ...(object.kind === "Deployment" ? deploymentErrors(object.spec) : []),
    ...(object.kind === "Service" ? labelErrors("spec.selector", record(object.spec?.selector)) : []),
    ...(object.kind === "HTTPRoute" ? httpRouteErrors(object.spec) : []),
  ];
}

/** Fields fixed at creation. */
export function immutableFieldErrors(kind: string, before: Validated["spec"], after: Validated["spec"]): FieldError[] {
  if (kind !== "Deployment" || isDeepStrictEqual(before?.selector, after?.selector)) return [];
  return [invalid("spec.selector", after?.selector, "field is immutable")];
}
