import type { Endpoint } from "../endpoint";

export const experimentEndpoints: Endpoint[] = [];
