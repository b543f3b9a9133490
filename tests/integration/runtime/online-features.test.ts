import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OnlineFeatures } from "@/contracts/online-features";
import type { PredictResponse } from "@/contracts/runtime-predict";
import type { ExplainResponse } from "@/contracts/explanations";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { redisHotMirror, type HotFeatureMirror } from "@/server/integrations/feature-store/hot-mirror";
import { actingAs, type ServiceContext } from "@/server/services/context";
import { setOnlineFeatures } from "@/server/services/endpoints/online-features";
import { createFeatureGroup } from "@/server/services/features/groups";
import { mirrorPendingFeatureValues } from "@/server/services/features/mirror";
import { writeFeatureValues } from "@/server/services/features/values";
import { rowObject } from "@/training/dataset";
import { generateFraudTransactions } from "@/training/fraud-data";
import { givenServedEndpoint, runtimeClientOf } from "@/tests/integration/async-inference/async-world";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { startRedisServer, type RedisServer } from "@/tests/integration/deployments/redis-server";
import { givenUser } from "@/tests/integration/fixtures";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import {
  counterValue,
  freePort,
  inParallel,
  startRuntime,
  temporaryDirectory,
} from "@/tests/integration/runtime/runtime-process";
import { until } from "@/tests/integration/support/until";
import { startPrometheus } from "@/tests/integration/support/prometheus-process";
import { onlineFeatureMetrics } from "@/server/services/endpoints/online-feature-metrics";

/*
 * Online features on the real runtime, Redis and PostgreSQL. Invariants:
 * - the model sees the stored features (never values the caller sent under their names) and the request features the
 *   training code computes, so its answers equal those for the full rows;
 * - Redis down or slow switches lookups to PostgreSQL and back with no failed prediction and the same answers;
 * - the rule-based fallback answers only for a model failure or unreadable stores, is labelled in the response and the
 *   metrics, and never hides the model's failure from the request metrics;
 * - bad input is a 4xx and never falls back; the setting is checked before anything is saved.
 */

const STORED = ["merchant_risk", "tx_count_1h", "tx_count_24h", "distance_from_home_km", "distance_from_last_tx_km"];
const ROWS = 120;

let redis: RedisServer;
let redisPort: number;
let redisDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;
let stack: ModelRuntime;
let world: Awaited<ReturnType<typeof givenServedEndpoint>>;
let mirror: HotFeatureMirror;
let ctx: ServiceContext;
let groupName: string;
let expected: number[];
let requests: Array<Record<string, unknown>>;
let fullRows: Array<Record<string, number>>;

const redisUrl = () => `redis://127.0.0.1:${redisPort}`;
const startRedis = () => startRedisServer({ port: redisPort, directory: redisDirectory.directory, persistent: false });

function onlineFeatures(withFallback: boolean): OnlineFeatures {
  return {
    lookup: {
      featureGroup: groupName,
      entityKey: "card_id",
      storedFeatures: STORED,
      requestFeatures: [{ name: "hour", transform: "utc_hour", from: ["timestamp"] }],
    },
    ...(withFallback && {
      fallback: {
        rules: [{ when: [{ field: "amount", op: ">=", value: 1000 }], outputs: { [outputName()]: 0.9 } }],
        otherwise: { [outputName()]: 0.01 },
      },
    }),
  };
}
const outputName = () => world.model.outputNames[0]!;

async function predict(baseUrl: string, endpoint: string, body: unknown) {
  const response = await fetch(`${baseUrl}/v1/endpoints/${endpoint}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as PredictResponse & { error?: string } };
}
const predictOnline = (body: unknown) => predict(stack.runtime.baseUrl, world.endpoint.name, body);
const scores = (answer: PredictResponse) => answer.predictions.map((p) => p[outputName()] as number);
const metrics = async () => (await fetch(`${stack.runtime.baseUrl}/metrics`)).text();

beforeAll(async () => {
  redisPort = await freePort();
  redisDirectory = await temporaryDirectory("modelport-feature-redis-");
  redis = await startRedis();
  stack = await startModelRuntime("modelport-online-features-", {
    RUNTIME_FEATURE_REDIS_URL: redisUrl(),
    RUNTIME_FEATURE_KEY_PREFIX: env().FEATURE_KEY_PREFIX,
    RUNTIME_FEATURE_DATABASE_URL: process.env.DATABASE_URL!,
    RUNTIME_FEATURE_HOT_TIMEOUT_MS: "100",
    RUNTIME_FEATURE_BREAKER_FAILURES: "2",
    RUNTIME_FEATURE_BREAKER_OPEN_MS: "300",
  });
  world = await givenServedEndpoint(stack, "online");
  const scientist = await givenUser("DATA_SCIENTIST", world.model.scientist.team.name);
  mirror = redisHotMirror(redisUrl(), env().FEATURE_KEY_PREFIX);
  ctx = actingAs(
    { ...systemContextFromEnv(), runtime: runtimeClientOf(stack), featureMirror: mirror },
    scientist.actor,
  );
  // The sync job's first run claims the Redis for this database (a write never claims it).
  await mirrorPendingFeatureValues({ db: db(), featureMirror: mirror });
  groupName = `cards-${Date.now().toString(36)}`;
  await createFeatureGroup(ctx, { name: groupName, entityKey: "card_id", features: STORED });

  const transactions = generateFraudTransactions(ROWS, 99);
  const rows = Array.from({ length: ROWS }, (_, i) => rowObject(transactions, i));
  fullRows = rows;
  const written = await writeFeatureValues(ctx, {
    group: groupName,
    entities: rows.map((row, i) => ({ id: `card-${i}`, values: Object.fromEntries(STORED.map((f) => [f, row[f]!])) })),
  });
  expect(written).toEqual({ written: ROWS, hotPath: "mirrored" });
  // What the caller sends: the card, the transaction's own fields and its time (the hour is computed from it).
  requests = rows.map((row, i) => ({
    card_id: `card-${i}`,
    timestamp: new Date(Date.UTC(2026, 11, 4, row.hour!, i % 60)).toISOString(),
    amount: row.amount,
    account_age_days: row.account_age_days,
    is_online: row.is_online,
    is_foreign: row.is_foreign,
  }));
  // The answers for the full rows, from the same model on an endpoint without a lookup.
  await loadScratchEndpoint(world.runtime, "online-plain", [world.variant]);
  expected = scores((await predict(stack.runtime.baseUrl, "online-plain", { rows })).body);
  expect(
    await setOnlineFeatures(ctx, { endpointId: world.endpoint.id, onlineFeatures: onlineFeatures(true) }),
  ).toMatchObject({ runtime: "applied" });
}, 180_000);

afterAll(async () => {
  await mirror?.close();
  await stack?.stop();
  await redis?.crash();
  await redisDirectory?.remove();
});

type Answered = { status: number; sources?: { hot: number; cold: number }; score?: number; i: number };

/** Crashes Redis under traffic, waits for PostgreSQL to answer, starts Redis again and waits for it to answer again. */
async function outageAndBack(answers: Answered[]) {
  await until("traffic from Redis", async () => answers.length > 40, 10_000);
  await redis.crash();
  await until("traffic from PostgreSQL", async () => answers.filter((a) => a.sources?.cold === 1).length > 40, 15_000);
  expect(await metrics()).toMatch(/^modelport_runtime_feature_breaker_open 1$/m);
  redis = await startRedis();
  // A restarted Redis is empty: entities it lacks are read from PostgreSQL until the sync job sees that Redis lost
  // its data and mirrors everything again.
  await until(
    "the values mirrored again",
    async () => (await mirrorPendingFeatureValues({ db: db(), featureMirror: mirror })) >= ROWS,
    15_000,
  );
  const before = answers.length;
  await until(
    "traffic from Redis again",
    async () => answers.slice(before).filter((a) => a.sources?.hot === 1).length > 40,
    15_000,
  );
}

describe("an endpoint with a feature lookup", () => {
  it("answers as the model does for the full rows, from Redis, whatever the caller sends under a stored feature's name", async () => {
    const forged = requests.map((request) => ({ ...request, tx_count_1h: 0, merchant_risk: 0 }));
    const answer = await predictOnline({ rows: forged });
    expect(answer.status).toBe(200);
    expect(answer.body.featureSources).toEqual({ hot: ROWS, cold: 0 });
    expect(answer.body.fallback).toBeUndefined();
    expect(scores(answer.body)).toEqual(expected);
  });

  it("switches to PostgreSQL while Redis is down and back when it returns, failing no prediction", async () => {
    const answers: Answered[] = [];
    let stop = false;
    const traffic = inParallel(4, 4, async () => {
      for (let n = 0; !stop; n++) {
        const i = n % ROWS;
        const answer = await predictOnline({ row: requests[i] });
        const score = answer.status === 200 ? scores(answer.body)[0] : undefined;
        answers.push({ status: answer.status, sources: answer.body.featureSources, score, i });
      }
    });
    try {
      await outageAndBack(answers);
    } finally {
      stop = true;
      await traffic;
    }

    expect(answers.filter((a) => a.status !== 200)).toEqual([]);

    expect(answers.filter((a) => a.score !== expected[a.i])).toEqual([]);
    const text = await metrics();
    expect(counterValue(text, "modelport_runtime_feature_rows_total", { path: "cold" })).toBeGreaterThan(40);
    expect(counterValue(text, "modelport_runtime_feature_rows_total", { path: "unavailable" })).toBe(0);
    expect(text).toMatch(/^modelport_runtime_feature_breaker_open 0$/m);
    expect(text).toMatch(/modelport_runtime_stage_duration_seconds_bucket\{[^}]*stage="feature_lookup"/);
  }, 90_000);

  it("reads PostgreSQL when Redis is slow, within the hot path's timeout", async () => {
    // CLIENT PAUSE holds every client's commands for 2 s: a Redis that is up but answers nothing in time.
    const admin = new Redis(redisUrl());
    await admin.call("CLIENT", "PAUSE", "2000", "ALL");
    admin.disconnect();
    const started = performance.now();
    const answer = await predictOnline({ row: requests[3] });
    expect(answer.status).toBe(200);
    expect(answer.body.featureSources).toEqual({ hot: 0, cold: 1 });
    expect(scores(answer.body)).toEqual([expected[3]]);
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("explains the row the model saw: the stored features looked up, not the caller's", async () => {
    const explain = async (endpoint: string, body: unknown) => {
      const response = await fetch(`${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/explain`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as ExplainResponse).explanations[0]!;
    };
    const looked = await explain(world.endpoint.name, { row: { ...requests[5], tx_count_1h: 0 } });
    const full = await explain("online-plain", { row: fullRows[5] });
    expect(looked.attributions).toEqual(full.attributions);
    expect(looked.output).toBe(full.output);
  });

  it("refuses bad input with a 4xx and never falls back on it", async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ row: { ...requests[0], card_id: undefined } }, 400, '"card_id" must be a string'],
      [{ row: { ...requests[0], card_id: "no-such-card" } }, 422, 'no stored features for card_id "no-such-card"'],
      [{ row: { ...requests[0], timestamp: "yesterday" } }, 400, 'feature "hour"'],
      [{ row: { ...requests[0], amount: "12" } }, 400, 'field "amount"'],
    ];
    for (const [body, status, message] of cases) {
      const answer = await predictOnline(body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      expect(answer.body.error).toContain(message);
    }
  });
});

describe("the rule-based fallback", () => {
  it("answers when the model fails, labelled, while the request still counts as the model's failure", async () => {
    const control = world.runtime.control();
    const before = await metrics();
    await control.injectFault(world.endpoint.name, world.variant.variantName, { errorRate: 1 });
    const big = { ...requests[0], amount: 2500 };
    const answer = await predictOnline({ rows: [big, requests[1]] }).finally(() =>
      control.injectFault(world.endpoint.name, world.variant.variantName, { errorRate: 0 }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.variant).toBe("(rules)");
    expect(answer.body.modelVersion).toBeUndefined();
    expect(answer.body.fallback?.reason).toBe("model_failed");
    expect(scores(answer.body)).toEqual([0.9, 0.01]);
    const after = await metrics();
    const delta = (name: string, labels: Record<string, string>) =>
      counterValue(after, name, labels) - counterValue(before, name, labels);
    expect(delta("modelport_runtime_fallback_rows_total", { reason: "model_failed" })).toBe(2);
    expect(
      delta("modelport_runtime_requests_total", {
        endpoint: world.endpoint.name,
        variant: world.variant.variantName,
        status: "500",
      }),
    ).toBe(1);
  });

  it("without a fallback, a model failure stays a 500", async () => {
    await setOnlineFeatures(ctx, { endpointId: world.endpoint.id, onlineFeatures: onlineFeatures(false) });
    const control = world.runtime.control();
    await control.injectFault(world.endpoint.name, world.variant.variantName, { errorRate: 1 });
    const answer = await predictOnline({ row: requests[0] }).finally(() =>
      control.injectFault(world.endpoint.name, world.variant.variantName, { errorRate: 0 }),
    );
    expect(answer.status).toBe(500);
    await setOnlineFeatures(ctx, { endpointId: world.endpoint.id, onlineFeatures: onlineFeatures(true) });
  });

  it("answers when neither store can be read, and 503 without a fallback", async () => {
    const dead = await freePort();
    const runtime = await startRuntime({
      RUNTIME_INFERENCE_THREADS: "1",
      RUNTIME_FEATURE_REDIS_URL: `redis://127.0.0.1:${dead}`,
      RUNTIME_FEATURE_DATABASE_URL: `postgresql://postgres@127.0.0.1:${dead}/none`,
    });
    try {
      const isolated = runtimeClientOf({ ...stack, runtime });
      await loadScratchEndpoint(isolated, "isolated", [world.variant]);
      // A rule on a stored feature: the caller's own value for it must never make the rule fire.
      const withStoredRule = onlineFeatures(true);
      withStoredRule.fallback!.rules.unshift({
        when: [{ field: "tx_count_24h", op: "<=", value: 0 }],
        outputs: { [outputName()]: 0.05 },
      });
      await isolated.control().putOnlineFeatures("isolated", withStoredRule);
      const body = {
        rows: [
          { ...requests[0], amount: 1500, tx_count_24h: 0 },
          { ...requests[1], tx_count_24h: 0 },
        ],
      };
      const answer = await predict(runtime.baseUrl, "isolated", body);
      expect(answer.status).toBe(200);
      expect(answer.body.fallback?.reason).toBe("features_unavailable");
      expect(answer.body.variant).toBe("(rules)");
      expect(scores(answer.body)).toEqual([0.9, 0.01]);
      const text = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
      expect(counterValue(text, "modelport_runtime_fallback_rows_total", { reason: "features_unavailable" })).toBe(2);
      expect(counterValue(text, "modelport_runtime_feature_rows_total", { path: "unavailable" })).toBe(2);
      expect(counterValue(text, "modelport_runtime_requests_total", { endpoint: "isolated", status: "503" })).toBe(1);
      await isolated.control().putOnlineFeatures("isolated", onlineFeatures(false));
      expect((await predict(runtime.baseUrl, "isolated", { row: requests[0] })).status).toBe(503);
    } finally {
      await runtime.stop();
    }
  });
});

describe("setting an endpoint's online features", () => {
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => "OK",
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    );

  it("refuses an unknown group, a feature the group lacks, another team's group, and bad rules; saving nothing", async () => {
    const saved = await db().endpoint.findUniqueOrThrow({ where: { id: world.endpoint.id } });
    const audits = () =>
      db().auditLog.count({ where: { entityId: world.endpoint.id, action: "endpoint.online-features" } });
    const auditsBefore = await audits();
    const lookup = onlineFeatures(true).lookup!;
    const other = await givenUser("DATA_SCIENTIST", "Another team");
    const foreign = `foreign-${Date.now().toString(36)}`;
    await createFeatureGroup(other.ctx, { name: foreign, entityKey: "card_id", features: STORED });
    const attempts = [
      { lookup: { ...lookup, featureGroup: "no-such-group" } },
      { lookup: { ...lookup, storedFeatures: ["tx_count_1h", "salary"] } },
      { lookup: { ...lookup, featureGroup: foreign } },
    ];
    for (const attempt of attempts)
      expect(await codeOf(setOnlineFeatures(ctx, { endpointId: world.endpoint.id, onlineFeatures: attempt }))).toBe(
        "UNPROCESSABLE",
      );
    const badRules = { fallback: { rules: [{ when: [], outputs: {} }], otherwise: {} } };
    expect(
      await codeOf(setOnlineFeatures(ctx, { endpointId: world.endpoint.id, onlineFeatures: badRules as never })),
    ).toBe("BAD_REQUEST");
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: world.endpoint.id } })).onlineFeatures).toEqual(
      saved.onlineFeatures,
    );
    expect(await audits()).toBe(auditsBefore);
  });
});

describe("the endpoint page's last hour", () => {
  it("reads the runtime's lookup paths, fallback answers and stage latencies back from Prometheus", async () => {
    const prometheus = await startPrometheus({
      targets: [new URL(stack.runtime.baseUrl).host],
      scrapeIntervalSeconds: 1,
    });
    try {
      await prometheus.waitForScrape();
      const measured = await onlineFeatureMetrics(
        { db: db(), prometheus: prometheus.client },
        { endpointId: world.endpoint.id },
      );
      const text = await metrics();
      const count = (name: string, labels: Record<string, string>) =>
        counterValue(text, name, { endpoint: world.endpoint.name, ...labels });
      expect(measured.rows.hot).toBe(count("modelport_runtime_feature_rows_total", { path: "hot" }));
      expect(measured.rows.cold).toBe(count("modelport_runtime_feature_rows_total", { path: "cold" }));
      expect(measured.fallback.model_failed).toBe(
        count("modelport_runtime_fallback_rows_total", { reason: "model_failed" }),
      );
      expect(measured.fallback.features_unavailable).toBeNull();
      expect(measured.stageP95.feature_lookup).toBeGreaterThan(0);
      expect(measured.promql.map((q) => q.label)).toEqual(["rows", "fallback", "stageP95"]);
    } finally {
      await prometheus.stop();
    }
  });
});
