import { z } from "zod";
import { AppError } from "@/server/errors";
import { clampStep, parseSampleValue } from "@/server/integrations/prometheus/promql";
import { errorMessage } from "@/lib/error-message";

export type InstantSample = { metric: Record<string, string>; value: number; timestamp: number };
export type RangeSeries = { metric: Record<string, string>; values: Array<{ timestamp: number; value: number }> };

const samplePair = z.tuple([z.number(), z.string()]);
const metricLabels = z.record(z.string(), z.string());
const data = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: metricLabels, value: samplePair })) }),
  z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: metricLabels, values: z.array(samplePair) })),
  }),
  z.object({ resultType: z.literal("scalar"), result: samplePair }),
  z.object({ resultType: z.literal("string"), result: samplePair }),
]);
const answer = z.discriminatedUnion("status", [
  z.object({ status: z.literal("success"), data }),
  z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() }),
]);
type ResultData = z.infer<typeof data>;

function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON: reported below with the body's first characters
  }
}

const seconds = (date: Date) => (date.getTime() / 1000).toString();

/** Reads Prometheus through its HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/). */
export class PrometheusClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async query(promql: string, time?: Date): Promise<InstantSample[]> {
    const result = await this.post("/api/v1/query", { query: promql, ...(time ? { time: seconds(time) } : {}) });
    if (result.resultType === "scalar") {
      const [timestamp, value] = result.result;
      return [{ metric: {}, value: parseSampleValue(value), timestamp }];
    }
    if (result.resultType !== "vector")
      throw new Error(`Expected an instant vector from ${promql}, got a ${result.resultType}`);
    return result.result.map(({ metric, value: [timestamp, value] }) => ({
      metric,
      value: parseSampleValue(value),
      timestamp,
    }));
  }

  async queryRange(promql: string, range: { start: Date; end: Date; stepSeconds?: number }): Promise<RangeSeries[]> {
    const step = clampStep(range.start.getTime() / 1000, range.end.getTime() / 1000, range.stepSeconds);
    const result = await this.post("/api/v1/query_range", {
      query: promql,
      start: seconds(range.start),
      end: seconds(range.end),
      step: String(step),
    });
    if (result.resultType !== "matrix")
      throw new Error(`Expected a range vector from ${promql}, got a ${result.resultType}`);
    return result.result.map(({ metric, values }) => ({
      metric,
      values: values.map(([timestamp, value]) => ({ timestamp, value: parseSampleValue(value) })),
    }));
  }

  private async post(path: string, form: Record<string, string>): Promise<ResultData> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const reason = errorMessage(error);
      throw new AppError("UNAVAILABLE", `Prometheus at ${this.baseUrl} did not answer: ${reason}`);
    }
    const text = await response.text();
    const parsed = answer.safeParse(jsonOrNull(text));
    if (!parsed.success) {
      throw new AppError(
        "UNAVAILABLE",
        `Prometheus at ${this.baseUrl} answered ${response.status} with something that is not its API: ${text.slice(0, 200)}`,
      );
    }
    const body = parsed.data;
    if (body.status === "success") return body.data;
    // Our queries are built by code, so a rejected one (bad_data, 400/422) is a bug rather than an outage.
    if (response.status >= 400 && response.status < 500)
      throw new Error(`Prometheus rejected the query (${body.errorType}): ${body.error}; query: ${form.query}`);
    throw new AppError(
      "UNAVAILABLE",
      `Prometheus at ${this.baseUrl} failed the query (${body.errorType}): ${body.error}`,
    );
  }
}

/** The part of the client services read through, so tests may pass a Prometheus of their own. */
export type PrometheusSource = Pick<PrometheusClient, "query" | "queryRange">;
