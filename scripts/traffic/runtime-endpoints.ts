import { z } from "zod";

const endpointListSchema = z.object({
  endpoints: z.array(
    z.object({
      endpointName: z.string(),
      variants: z.array(
        z.object({ variantName: z.string(), weight: z.number(), inputs: z.array(z.string()).optional() }),
      ),
    }),
  ),
});

export type RuntimeEndpoint = z.infer<typeof endpointListSchema>["endpoints"][number];

/** The endpoints the runtime serves, from its control API (GET /v1/control/endpoints with the bearer token). */
export async function listRuntimeEndpoints(runtimeUrl: string, controlToken: string): Promise<RuntimeEndpoint[]> {
  const response = await fetch(`${runtimeUrl}/v1/control/endpoints`, {
    headers: { authorization: `Bearer ${controlToken}` },
  });
  if (!response.ok)
    throw new Error(
      `The runtime at ${runtimeUrl} refused GET /v1/control/endpoints (${response.status}): ${await response.text()}`,
    );
  return endpointListSchema.parse(await response.json()).endpoints;
}

/** The signature inputs of an endpoint (its variants serve the same signature). */
export function endpointInputs(endpoint: RuntimeEndpoint): string[] {
  return endpoint.variants.find((v) => v.inputs !== undefined)?.inputs ?? [];
}
