import type { NamedResource, SageMakerApi } from "@/server/integrations/sagemaker/api";
import { isNotFound } from "@/server/integrations/sagemaker/errors";
import { TAG_ENDPOINT, resourcePrefix } from "@/server/integrations/sagemaker/names";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Names of the shape Modelport gives this endpoint's configs and models (see names.ts). */
function namePatterns(endpointName: string) {
  const prefix = escapeRegExp(resourcePrefix(endpointName));
  return {
    config: new RegExp(`^${prefix}-cfg-[0-9a-f]{12}$`),
    model: new RegExp(`^${prefix}-[a-zA-Z0-9-]+-[0-9a-f]{12}$`),
  };
}

/** A name can match another endpoint's resources (prefixes overlap), so only those tagged with this endpoint count. */
async function ownedBy(api: SageMakerApi, endpointName: string, candidates: NamedResource[]): Promise<NamedResource[]> {
  const owned: NamedResource[] = [];
  for (const candidate of candidates) {
    const tags = await api.listTags(candidate.arn);
    if (tags.some((tag) => tag.Key === TAG_ENDPOINT && tag.Value === endpointName)) owned.push(candidate);
  }
  return owned;
}

async function deleteEach(names: string[], remove: (name: string) => Promise<unknown>, failures: unknown[]) {
  for (const name of names) {
    await remove(name).catch((error: unknown) => {
      if (!isNotFound(error)) failures.push(error);
    });
  }
}

/**
 * Deletes every endpoint config and model Modelport created for the endpoint. Keeps going past a failure so one stuck
 * resource does not strand the rest, then reports all failures together.
 */
export async function deleteCreatedResources(api: SageMakerApi, endpointName: string): Promise<void> {
  const patterns = namePatterns(endpointName);
  const prefix = `${resourcePrefix(endpointName)}-`;
  const configs = (await api.listEndpointConfigs(prefix)).filter((config) => patterns.config.test(config.name));
  const models = (await api.listModels(prefix)).filter((model) => patterns.model.test(model.name));
  const failures: unknown[] = [];
  await deleteEach(
    (await ownedBy(api, endpointName, configs)).map((config) => config.name),
    (name) => api.deleteEndpointConfig(name),
    failures,
  );
  await deleteEach(
    (await ownedBy(api, endpointName, models)).map((model) => model.name),
    (name) => api.deleteModel(name),
    failures,
  );
  if (failures.length > 0)
    throw new AggregateError(
      failures,
      `Could not delete ${failures.length} SageMaker resource(s) of endpoint ${endpointName}`,
    );
}
