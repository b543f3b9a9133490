import { randomUUID } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { givenToken } from "@/tests/integration/fixtures";
import { unique } from "@/tests/integration/registry/fixtures";
import { startApiServer } from "@/tests/integration/support/api-server";
import { correlationId, givenCapturedPredictions } from "@/tests/integration/support/captured-predictions";
import { runCliProcess } from "@/tests/integration/support/run-cli-process";

let server: Awaited<ReturnType<typeof startApiServer>>;
let workDir: string;
let env: Record<string, string>;
let endpoint: { id: string; name: string };

const KNOWN = "2026-12-02T12:00:00Z";

beforeAll(async () => {
  server = await startApiServer();
  workDir = await mkdtemp(join(tmpdir(), "modelport-feedback-cli-"));
  const { secret, user, team } = await givenToken("DATA_SCIENTIST", ["read", "feedback:write"]);
  env = { MODELPORT_CONFIG: join(workDir, "none.json"), MODELPORT_URL: server.url, MODELPORT_TOKEN: secret };
  const model = await db().registeredModel.create({
    data: { name: unique("cli-fraud"), teamId: team.id, taskType: "CLASSIFICATION", createdById: user.id },
  });
  endpoint = await db().endpoint.create({
    data: { name: unique("cli-endpoint"), modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
    select: { id: true, name: true },
  });
});

afterAll(async () => {
  await server?.close();
});

const outcomeCount = () => db().predictionOutcome.count({ where: { endpointId: endpoint.id } });

describe("modelport feedback send", () => {
  it("sends a JSONL file in batches of 10,000 and lists unknown rows by line", { timeout: 180_000 }, async () => {
    const captured = await givenCapturedPredictions(
      Array.from({ length: 12_000 }, () => ({ endpointId: endpoint.id, endpointName: endpoint.name })),
    );
    const lines = captured.map((row) => JSON.stringify({ predictionId: row.id, label: "1", knownAt: KNOWN }));
    lines.splice(10_500, 0, JSON.stringify({ predictionId: randomUUID(), label: "0", knownAt: KNOWN }));
    const file = join(workDir, "outcomes.jsonl");
    await writeFile(file, lines.join("\n") + "\n");

    const sent = await runCliProcess(["feedback", "send", "--endpoint", endpoint.name, "--file", file], env);
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain("12,000 created, 0 updated, 0 unchanged, 1 unknown, 0 ambiguous in 2 requests");
    expect(sent.stdout).toContain("line 10501: unknown");
    expect(await outcomeCount()).toBe(12_000);

    const again = await runCliProcess(["--json", "feedback", "send", "--endpoint", endpoint.name, "--file", file], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      counts: { created: 0, unchanged: 12_000, unknown: 1 },
      requests: 2,
    });
  });

  it("refuses a file with a bad line before sending anything, and reports a refused batch by line", async () => {
    const before = await outcomeCount();
    const [a, b] = await givenCapturedPredictions([
      { endpointId: endpoint.id, endpointName: endpoint.name, correlationId: correlationId() },
      { endpointId: endpoint.id, endpointName: endpoint.name, correlationId: correlationId() },
    ]);
    const badFile = join(workDir, "bad.csv");
    await writeFile(
      badFile,
      `correlationId,label,knownAt\n${a!.correlationId},1,${KNOWN}\n${b!.correlationId},1,not-a-time\n`,
    );
    const bad = await runCliProcess(["feedback", "send", "--endpoint", endpoint.name, "--file", badFile], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("line 3:");
    expect(await outcomeCount()).toBe(before);

    const refusedFile = join(workDir, "refused.csv");
    await writeFile(
      refusedFile,
      `correlationId,label,knownAt\n${a!.correlationId},1,${KNOWN}\n${b!.correlationId},fraud,${KNOWN}\n`,
    );
    const refused = await runCliProcess(["feedback", "send", "--endpoint", endpoint.name, "--file", refusedFile], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("line 3:");
    expect(refused.stderr).toContain('"fraud" is not one of the model\'s classes');
    expect(await outcomeCount()).toBe(before);

    const goodFile = join(workDir, "good.csv");
    await writeFile(
      goodFile,
      `correlationId,label,knownAt\n${a!.correlationId},1,${KNOWN}\n${b!.correlationId},0,${KNOWN}\n`,
    );
    const good = await runCliProcess(["feedback", "send", "--endpoint", endpoint.name, "--file", goodFile], env);
    expect(good.code).toBe(0);
    expect(await outcomeCount()).toBe(before + 2);
  });
});
