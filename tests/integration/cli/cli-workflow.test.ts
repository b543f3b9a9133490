import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { givenToken } from "@/tests/integration/fixtures";
import { startApiServer } from "@/tests/integration/support/api-server";
import { runCliProcess } from "@/tests/integration/support/run-cli-process";
import { onnxModel } from "@/tests/integration/support/model-artifacts";

let server: Awaited<ReturnType<typeof startApiServer>>;
let workDir: string;

beforeAll(async () => {
  server = await startApiServer();
  workDir = await mkdtemp(join(tmpdir(), "modelport-cli-it-"));
});

afterAll(async () => {
  await server?.close();
});

/** 2,500 points: loss and accuracy for 1,250 steps each, as JSON lines. */
function metricsJsonl(): string {
  const lines: string[] = [];
  for (let step = 0; step < 1250; step++) {
    lines.push(JSON.stringify({ key: "loss", value: 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step }));
    lines.push(JSON.stringify({ key: "accuracy", value: step / 1250, step }));
  }
  return lines.join("\n") + "\n";
}

describe("modelport CLI against the REST API", () => {
  it("logs a run, uploads an artifact, registers and aliases a model", { timeout: 120_000 }, async () => {
    const { secret, user, team } = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const suffix = randomBytes(3).toString("hex");
    const experimentName = `cli-fraud-${suffix}`;
    const modelName = `cli-fraud-gbm-${suffix}`;
    const configFile = join(workDir, "config", "modelport.json");
    const saved = { MODELPORT_CONFIG: configFile };
    const fromEnv = { ...saved, MODELPORT_URL: server.url, MODELPORT_TOKEN: secret };
    const everyOutput: string[] = [];
    const cli = async (args: string[], env: Record<string, string>) => {
      const result = await runCliProcess(args, env);
      everyOutput.push(result.stdout, result.stderr);
      return result;
    };

    const login = await cli(["login", "--url", `${server.url}/`, "--token", secret], saved);
    expect(login).toMatchObject({ code: 0, stdout: expect.stringContaining(`Logged in to ${server.url}`) });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(configFile, "utf8"))).toEqual({ url: server.url, token: secret });

    const created = await cli(
      [
        "runs",
        "create",
        "--experiment",
        experimentName,
        "--name",
        "nightly",
        "--git-commit",
        "abc123",
        "--dataset",
        "s3://d/train@v3",
        "--tag",
        "trigger=ci",
      ],
      saved,
    );
    expect(created.code).toBe(0);
    const runId = created.stdout.trim();
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { experiment: true } });
    expect(run).toMatchObject({
      name: "nightly",
      gitCommit: "abc123",
      datasetRef: "s3://d/train@v3",
      status: "RUNNING",
      userId: user.id,
    });
    expect(run.experiment.name).toBe(experimentName);
    expect(run.tags).toEqual({ trigger: "ci" });

    const metricsFile = join(workDir, "metrics.jsonl");
    await writeFile(metricsFile, metricsJsonl());
    const logged = await cli(
      ["runs", "log", runId, "--param", "lr=0.05", "--param", "depth=6", "--metrics-file", metricsFile, "--json"],
      fromEnv,
    );
    expect(logged.code).toBe(0);
    expect(JSON.parse(logged.stdout)).toEqual({ runId, paramsLogged: 2, metricPoints: 2500, requests: 3 });
    expect(await db().metricPoint.count({ where: { series: { runId } } })).toBe(2500);
    const series = await db().metricSeries.findMany({ where: { runId }, orderBy: { key: "asc" } });
    expect(series.map((s) => [s.key, s.pointCount, s.lastStep])).toEqual([
      ["accuracy", 1250, 1249],
      ["loss", 1250, 1249],
    ]);
    expect(
      await db().runParam.findMany({ where: { runId }, select: { key: true, value: true }, orderBy: { key: "asc" } }),
    ).toEqual([
      { key: "depth", value: "6" },
      { key: "lr", value: "0.05" },
    ]);
    expect(await db().auditLog.count({ where: { action: "run.log", entityId: runId } })).toBe(3);

    const badFile = join(workDir, "bad.csv");
    await writeFile(badFile, "key,value,step\nloss,0.1,1\nloss,oops,2\n");
    const rejected = await cli(["runs", "log", runId, "--metrics-file", badFile], fromEnv);
    expect(rejected).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("line 3: value oops is not a finite number"),
    });
    expect(await db().metricPoint.count({ where: { series: { runId } } })).toBe(2500);

    const checkpointFile = join(workDir, "checkpoint.bin");
    const checkpointBytes = randomBytes(300_000);
    await writeFile(checkpointFile, checkpointBytes);
    const uploaded = await cli(["artifacts", "upload", runId, checkpointFile, "--json"], fromEnv);
    expect(uploaded.code).toBe(0);
    const checkpointSha256 = createHash("sha256").update(checkpointBytes).digest("hex");
    expect(JSON.parse(uploaded.stdout)).toMatchObject({
      path: "checkpoint.bin",
      sha256: checkpointSha256,
      sizeBytes: 300_000,
    });
    expect(
      await db().artifact.findUniqueOrThrow({ where: { runId_path: { runId, path: "checkpoint.bin" } } }),
    ).toMatchObject({ sha256: checkpointSha256, sizeBytes: 300_000n });

    const modelFile = join(workDir, "model.onnx");
    const modelBytes = onnxModel();
    await writeFile(modelFile, modelBytes);
    expect((await cli(["artifacts", "upload", runId, modelFile], fromEnv)).code).toBe(0);
    const sha256 = createHash("sha256").update(modelBytes).digest("hex");

    const finished = await cli(["runs", "finish", runId], fromEnv);
    expect(finished.code).toBe(0);
    expect((await db().run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("FINISHED");

    const registered = await cli(
      [
        "models",
        "register",
        modelName,
        "--run",
        runId,
        "--artifact",
        "model.onnx",
        "--format",
        "onnx",
        "--create",
        "--team",
        team.name,
        "--task",
        "classification",
      ],
      fromEnv,
    );
    expect(registered).toMatchObject({ code: 0, stdout: "1\n" });
    const model = await db().registeredModel.findUniqueOrThrow({
      where: { name: modelName },
      include: { versions: { include: { artifact: true } } },
    });
    expect(model).toMatchObject({ teamId: team.id, taskType: "CLASSIFICATION", latestVersion: 1 });
    expect(model.versions).toHaveLength(1);
    expect(model.versions[0]).toMatchObject({ version: 1, format: "ONNX", sourceRunId: runId, artifact: { sha256 } });

    const again = await cli(
      ["models", "register", modelName, "--run", runId, "--artifact", "model.onnx", "--format", "onnx"],
      fromEnv,
    );
    expect(again).toMatchObject({
      code: 1,
      stdout: "",
      stderr: `error: This artifact (sha256 ${sha256.slice(0, 12)}…) is already version 1 of "${modelName}"\n`,
    });
    const notAModel = await cli(
      ["models", "register", modelName, "--run", runId, "--artifact", "checkpoint.bin", "--format", "onnx"],
      fromEnv,
    );
    expect(notAModel).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Artifact "checkpoint.bin" is not an ONNX model onnxruntime can load'),
    });
    expect(await db().registeredModel.findUniqueOrThrow({ where: { name: modelName } })).toMatchObject({
      id: model.id,
      latestVersion: 1,
    });

    const aliased = await cli(["models", "alias", modelName, "champion", "1", "--reason", "first release"], fromEnv);
    expect(aliased).toMatchObject({ code: 0, stdout: `${modelName}@champion → v1\n` });
    const alias = await db().modelAlias.findUniqueOrThrow({
      where: { modelId_alias: { modelId: model.id, alias: "champion" } },
      include: { version: true },
    });
    expect(alias.version.version).toBe(1);

    const protectedAlias = await cli(["models", "alias", modelName, "production", "1", "--reason", "x"], fromEnv);
    expect(protectedAlias.code).toBe(1);
    expect(protectedAlias.stderr).toMatch(/protected: it moves only through an approved promotion/);

    const missingVersion = await cli(["models", "alias", modelName, "champion", "9", "--reason", "typo"], fromEnv);
    expect(missingVersion.code).toBe(1);
    expect(missingVersion.stderr).toMatch(/^error: .*not found/i);

    const listed = await cli(["models", "list", "--search", modelName, "--json"], fromEnv);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).items).toEqual([
      expect.objectContaining({ name: modelName, latestVersion: 1, aliases: [{ alias: "champion", version: 1 }] }),
    ]);
    const table = await cli(["models", "list", "--search", modelName], fromEnv);
    expect(table.stdout).toMatch(new RegExp(`^NAME .*\\n${modelName} .* v1 +champion→v1`));

    for (const output of everyOutput) expect(output).not.toContain(secret);
  });

  it("refuses a token without the needed scope, exiting 1 with the API's message", { timeout: 60_000 }, async () => {
    const { secret } = await givenToken("DATA_SCIENTIST", ["read"]);
    const env = { MODELPORT_CONFIG: join(workDir, "unused.json"), MODELPORT_URL: server.url, MODELPORT_TOKEN: secret };
    const modelName = `cli-denied-${randomBytes(3).toString("hex")}`;
    const result = await runCliProcess(
      [
        "models",
        "register",
        modelName,
        "--run",
        "r1",
        "--artifact",
        "model.onnx",
        "--format",
        "onnx",
        "--create",
        "--task",
        "other",
      ],
      env,
    );
    expect(result).toMatchObject({ code: 1, stderr: 'error: This token lacks the "models:write" scope\n' });
    expect(await db().registeredModel.count({ where: { name: modelName } })).toBe(0);

    const badLogin = await runCliProcess(["login", "--url", server.url, "--token", "mp_wrong"], env);
    expect(badLogin).toMatchObject({ code: 1, stderr: "error: Invalid API token\n" });
  });
});
