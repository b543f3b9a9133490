import { OpenAPIRegistry, OpenApiGeneratorV3 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import type { Endpoint, EndpointSpec, SignedEndpointSpec } from "@/server/rest/endpoint";

const errorSchema = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  })
  .meta({ id: "Error" });

const errorResponses = {
  400: "Invalid input (malformed JSON, failed validation)",
  401: "Missing, invalid, expired or revoked token",
  403: "The token lacks the scope, or its owner the role or membership of the team that owns what it changes",
  404: "Not found",
  409: "Conflict (duplicate, or a run that is no longer running)",
  413: "Body too large",
  422: "Well-formed but refused: e.g. an artifact that does not pass its format's check, a promotion its gates refuse",
  429: "Rate limit used up (the token's, or failed authentications from this client): retry after Retry-After seconds",
};

const signedLinkErrors = {
  400: "Invalid input",
  403: "The link's signature is not valid, or the link has expired",
  404: "Not found",
};

/** Who may call: a token with a scope, or anyone holding a link the portal signed. */
function access(spec: EndpointSpec | SignedEndpointSpec, bearer: string) {
  if ("access" in spec)
    return {
      description: "Needs no token: the link the portal handed out carries an expiring signature in its query.",
      security: [],
      errors: signedLinkErrors,
    };
  return {
    description: `Requires scope \`${spec.scope}\`.`,
    security: [{ [bearer]: [] }],
    errors: errorResponses,
  };
}

export function buildOpenApiDocument(endpoints: Endpoint[]) {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent("securitySchemes", "bearerToken", {
    type: "http",
    scheme: "bearer",
    description: "An API token created under Settings → API tokens",
  });
  for (const { spec } of endpoints) {
    const success = spec.successStatus ?? (spec.method === "POST" ? 201 : 200);
    const { description, security, errors } = access(spec, bearer.name);
    registry.registerPath({
      method: spec.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete",
      path: spec.path,
      summary: spec.summary,
      tags: [spec.tag],
      description: spec.description ? `${spec.description}\n\n${description}` : description,
      security,
      request: {
        params: spec.params,
        query: spec.query,
        body:
          spec.body === "binary"
            ? { content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } } }
            : spec.body
              ? { content: { "application/json": { schema: spec.body } } }
              : undefined,
      },
      responses: {
        [success]: spec.rawResponse
          ? { description: "File contents", content: { "application/octet-stream": { schema: z.string() } } }
          : { description: "Success", content: { "application/json": { schema: spec.response } } },
        ...Object.fromEntries(
          Object.entries(errors).map(([status, description]) => [
            status,
            { description, content: { "application/json": { schema: errorSchema } } },
          ]),
        ),
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: "3.0.3",
    info: {
      title: "Modelport API",
      version: "1.0.0",
      description: "REST API for training pipelines and the modelport CLI.",
    },
    servers: [{ url: "/api/v1" }],
  });
}
