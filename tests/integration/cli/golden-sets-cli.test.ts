import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { startApiServer } from "@/tests/integration/support/api-server";
import { runCliProcess } from "@/tests/integration/support/run-cli-process";

let server: Awaited<ReturnType<typeof startApiServer>>;
let workDir: string;

beforeAll(async () => {
  server = await startApiServer();
  workDir = await mkdtemp(join(tmpdir(), "modelport-golden-cli-"));
});

afterAll(async () => {
  await server?.close();
});

const signature = {
  inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

describe("golden sets over REST and the CLI", () => {
  it("uploads, lists and shows the gate; a bad row and another team are refused with nothing written", async () => {
    const owner = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    const name = `golden-cli-${Date.now().toString(36)}`;
    const created = await callApi("POST", "/models", {
      token: owner.secret,
      json: { name, team: owner.team.name, taskType: "CLASSIFICATION" },
    });
    expect(created.status).toBe(201);
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    await db().modelVersion.create({
      data: { modelId: model.id, version: 1, format: "ONNX", signature, createdById: owner.user.id },
    });
    const env = {
      MODELPORT_CONFIG: join(workDir, "none.json"),
      MODELPORT_URL: server.url,
      MODELPORT_TOKEN: owner.secret,
    };

    const good = join(workDir, "holdout.csv");
    await writeFile(good, "amount,label\n1.5,1\n2,0\n");
    const upload = await runCliProcess(
      ["golden-sets", "upload", name, good, "--name", "holdout", "--expected", "label"],
      env,
    );
    expect(upload).toMatchObject({ code: 0, stdout: expect.stringContaining("holdout v1: 2 rows, sha256 ") });

    const bad = join(workDir, "bad.csv");
    await writeFile(bad, "amount,expected\nlots,1\n");
    const refused = await runCliProcess(["golden-sets", "upload", name, bad, "--name", "holdout"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('row 1, column "amount"');

    const other = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    await db().user.update({
      where: { id: other.user.id },
      data: {
        team: { connectOrCreate: { where: { name: "golden-cli-other" }, create: { name: "golden-cli-other" } } },
      },
    });
    const forbidden = await callApi("POST", `/models/${name}/golden-sets`, {
      token: other.secret,
      json: { name: "holdout", content: "amount,expected\n1,1\n" },
    });
    expect(forbidden.status).toBe(403);
    expect(await db().goldenSet.count({ where: { modelId: model.id } })).toBe(1);

    const list = await runCliProcess(["golden-sets", "list", name], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/holdout\s+v1\s+2\s+csv holdout\.csv/);

    const gate = await runCliProcess(["gate", "show", name, "1"], env);
    expect(gate).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("Golden-set gate not configured: the model has a golden set but no gate rule"),
    });
  }, 120_000);
});
