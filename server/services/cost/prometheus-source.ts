import type { PrometheusClient } from "../../integrations/prometheus/client";

/** The part of the Prometheus client the cost services read through (tests may pass their own Prometheus). */
export type PrometheusSource = Pick<PrometheusClient, "query" | "queryRange">;
