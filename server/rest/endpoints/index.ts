import type { Endpoint } from "../endpoint";
import { experimentEndpoints } from "./experiments";
import { registryEndpoints } from "./registry";

export const allEndpoints: Endpoint[] = [...experimentEndpoints, ...registryEndpoints];
