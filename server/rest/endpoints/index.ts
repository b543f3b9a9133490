import type { Endpoint } from "@/server/rest/endpoint";
import { asyncInferenceEndpoints } from "@/server/rest/endpoints/async-inference";
import { artifactEndpoints } from "@/server/rest/endpoints/artifacts";
import { batchEndpoints } from "@/server/rest/endpoints/batch";
import { experimentEndpoints } from "@/server/rest/endpoints/experiments";
import { featureEndpoints } from "@/server/rest/endpoints/features";
import { feedbackEndpoints } from "@/server/rest/endpoints/feedback";
import { flagEndpoints } from "@/server/rest/endpoints/flags";
import { goldenSetEndpoints } from "@/server/rest/endpoints/golden-sets";
import { registryEndpoints } from "@/server/rest/endpoints/registry";

export const allEndpoints: Endpoint[] = [
  ...experimentEndpoints,
  ...registryEndpoints,
  ...artifactEndpoints,
  ...feedbackEndpoints,
  ...flagEndpoints,
  ...goldenSetEndpoints,
  ...batchEndpoints,
  ...asyncInferenceEndpoints,
  ...featureEndpoints,
];
