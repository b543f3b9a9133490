import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { RedisConnection, type RedisClient } from "bullmq";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { redisConnection } from "@/server/jobs/redis";
import type { InstanceCountSource, LiveVariantInstances } from "@/server/integrations/targets/instance-counts";
import { readTargetInstances, type TargetInstanceReading } from "@/server/services/cost/target-instances";
import { givenUser } from "@/tests/integration/fixtures";
import { LeaderLease, startLeaderElection } from "@/workers/leader-election";
import { targetInstancesGauge } from "@/workers/metrics";
import { TargetInstanceExport } from "@/workers/target-instance-export";

const TTL_MS = 1000;
const connections: RedisConnection[] = [];

/** A candidate as a worker process makes one: its own Redis connection, its own owner id. */
async function candidate(key: string, name: string) {
  const connection = new RedisConnection(redisConnection());
  connections.push(connection);
  const client: RedisClient = await connection.client;
  return new LeaderLease(client, { key, owner: `${name}:${randomUUID()}`, ttlMs: TTL_MS });
}

const READING: TargetInstanceReading = {
  endpoint: "fraud-production-sagemaker",
  variant: "primary",
  instanceType: "ml.m5.large",
  target: "sagemaker",
  instances: 3,
};

/** What a worker's /metrics would show for the instance gauge, through a registry of its own. */
async function exported(exporter: TargetInstanceExport) {
  const registry = new Registry();
  targetInstancesGauge(registry, () => exporter.current());
  const text = await registry.metrics();
  return text.split("\n").filter((line) => line.startsWith("modelport_target_variant_instances{"));
}

afterAll(async () => {
  await Promise.all(connections.map((c) => c.close()));
});

describe("the target instance gauges' leader lease (real Redis)", () => {
  it("lets exactly one candidate lead, and the other take over once the leader stops renewing", async () => {
    const key = `lease-test:${randomUUID()}`;
    const [a, b] = [await candidate(key, "a"), await candidate(key, "b")];
    const read = async () => ({ readings: [READING], failures: [] });
    const [exportA, exportB] = [a, b].map((lease) => new TargetInstanceExport(lease, read, { everyMs: 200 }));

    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await Promise.all([exportA!.refresh(), exportB!.refresh()]);
    expect(await exported(exportA!)).toEqual([
      'modelport_target_variant_instances{endpoint="fraud-production-sagemaker",variant="primary",instance_type="ml.m5.large",target="sagemaker"} 3',
    ]);
    expect(await exported(exportB!)).toEqual([]);

    // Renewals keep the lease past its TTL; the other candidate keeps being refused.
    for (let i = 0; i < 4; i++) {
      await sleep(TTL_MS / 3);
      expect(await a.tryAcquire()).toBe(true);
      expect(await b.tryAcquire()).toBe(false);
    }

    // The leader is paused: it stops renewing. By its own clock it stops exporting before Redis lets the lease go.
    await sleep(TTL_MS * 0.92);
    expect(a.isLeader()).toBe(false);
    expect(await exported(exportA!)).toEqual([]);
    await sleep(TTL_MS * 0.12);
    expect(await b.tryAcquire()).toBe(true);
    await exportB!.refresh();
    expect(await exported(exportB!)).toHaveLength(1);

    // The paused one resumes: it cannot take the lease back, and exports nothing.
    expect(await a.tryAcquire()).toBe(false);
    await exportA!.refresh();
    expect(await exported(exportA!)).toEqual([]);

    // Released on shutdown, the lease is free at once.
    await b.release();
    expect(b.isLeader()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    await a.release();
  });

  it("elects one of two running elections at every moment and fails over when the leader stops", async () => {
    const key = `lease-test:${randomUUID()}`;
    const leases = [await candidate(key, "one"), await candidate(key, "two")];
    const elections = leases.map((lease) => startLeaderElection(lease, { ttlMs: TTL_MS }));
    await sleep(200);
    for (let i = 0; i < 10; i++) {
      expect(leases.filter((l) => l.isLeader())).toHaveLength(1);
      await sleep(100);
    }
    const leader = leases.findIndex((l) => l.isLeader());
    await elections[leader]!.stop();
    await sleep(TTL_MS / 3 + 200);
    expect(leases[leader]!.isLeader()).toBe(false);
    expect(leases[1 - leader]!.isLeader()).toBe(true);
    await elections[1 - leader]!.stop();
  });
});

describe("readTargetInstances", () => {
  let sizing: { sagemaker: string; kubernetes: string; local: string; broken: string; unconfigured: string };

  beforeAll(async () => {
    const owner = await givenUser("DATA_SCIENTIST", "Instances team");
    const model = await db().registeredModel.create({
      data: { name: "fraud-instances", teamId: owner.team.id, taskType: "CLASSIFICATION", createdById: owner.user.id },
    });
    const endpoint = async (
      name: string,
      target: "LOCAL" | "SAGEMAKER" | "KUBERNETES",
      environment: "STAGING" | "PRODUCTION",
    ) => (await db().endpoint.create({ data: { name, modelId: model.id, environment, target } })).name;
    sizing = {
      sagemaker: await endpoint("fraud-production-sagemaker", "SAGEMAKER", "PRODUCTION"),
      kubernetes: await endpoint("fraud-production-kubernetes", "KUBERNETES", "PRODUCTION"),
      local: await endpoint("fraud-production-local", "LOCAL", "PRODUCTION"),
      broken: await endpoint("fraud-staging-sagemaker", "SAGEMAKER", "STAGING"),
      unconfigured: await endpoint("fraud-staging-kubernetes", "KUBERNETES", "STAGING"),
    };
  });

  it("reads each endpoint's instances from its target and says which could not be read", async () => {
    const asked: string[] = [];
    const source = (answers: Record<string, LiveVariantInstances[] | Error>): InstanceCountSource => ({
      readInstances: async (name) => {
        asked.push(name);
        const answer = answers[name];
        if (answer instanceof Error) throw answer;
        return answer ?? [];
      },
    });
    const sagemaker = source({
      [sizing.sagemaker]: [
        { variantName: "primary", instanceType: "ml.m5.large", instances: 4 },
        { variantName: "primary", instanceType: "ml.g5.xlarge", instances: 2 },
      ],
      [sizing.broken]: new Error("ThrottlingException: Rate exceeded"),
    });
    const kubernetes = source({
      [sizing.kubernetes]: [{ variantName: "fraud-v3", instanceType: "k8s-onnx", instances: 5 }],
    });
    const result = await readTargetInstances({ db: db() }, (kind) => (kind === "SAGEMAKER" ? sagemaker : kubernetes));
    expect(asked).not.toContain(sizing.local);
    expect(result.readings.sort((x, y) => x.endpoint.localeCompare(y.endpoint) || x.instances - y.instances)).toEqual([
      {
        endpoint: sizing.kubernetes,
        variant: "fraud-v3",
        instanceType: "k8s-onnx",
        target: "kubernetes",
        instances: 5,
      },
      {
        endpoint: sizing.sagemaker,
        variant: "primary",
        instanceType: "ml.g5.xlarge",
        target: "sagemaker",
        instances: 2,
      },
      {
        endpoint: sizing.sagemaker,
        variant: "primary",
        instanceType: "ml.m5.large",
        target: "sagemaker",
        instances: 4,
      },
    ]);
    expect(result.failures).toEqual([
      { endpoint: sizing.broken, target: "SAGEMAKER", reason: "ThrottlingException: Rate exceeded" },
    ]);

    const withoutKubernetes = await readTargetInstances({ db: db() }, (kind) =>
      kind === "SAGEMAKER" ? sagemaker : undefined,
    );
    expect(withoutKubernetes.failures.map((f) => f.endpoint).sort()).toEqual(
      [sizing.broken, sizing.kubernetes, sizing.unconfigured].sort(),
    );
    expect(withoutKubernetes.readings.map((r) => r.endpoint)).toEqual([sizing.sagemaker, sizing.sagemaker]);
    expect(withoutKubernetes.failures.find((f) => f.endpoint === sizing.kubernetes)?.reason).toMatch(/not configured/);
  });

  it("keeps an unanswered endpoint's last reading for a few rounds, then drops it", async () => {
    let now = 0;
    let answer: {
      readings: TargetInstanceReading[];
      failures: { endpoint: string; target: "SAGEMAKER"; reason: string }[];
    } = {
      readings: [READING],
      failures: [],
    };
    const exporter = new TargetInstanceExport({ isLeader: () => true }, async () => answer, {
      everyMs: 100,
      now: () => now,
    });
    await exporter.refresh();
    answer = { readings: [], failures: [{ endpoint: READING.endpoint, target: "SAGEMAKER", reason: "timeout" }] };
    now = 250;
    await exporter.refresh();
    expect(exporter.current()).toEqual([READING]);
    now = 301;
    expect(exporter.current()).toEqual([]);
    // An endpoint the targets no longer report (deleted) goes at once.
    answer = { readings: [], failures: [] };
    now = 0;
    await exporter.refresh();
    expect(exporter.current()).toEqual([]);
  });
});
