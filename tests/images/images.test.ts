import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowObject, rowOf } from "@/training/dataset";
import type { BuiltModel } from "@/training/catalog";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { freePort, postJson, temporaryDirectory } from "@/tests/integration/runtime/runtime-process";
import {
  buildah,
  buildImage,
  containerFrom,
  imageConfig,
  imageName,
  randomSecret,
  ROOT,
  runToExit,
  startInContainer,
  testBaseImage,
  waitForStatus,
  type ImageTarget,
} from "@/tests/images/buildah";

// The three images of deploy/images/Containerfile, built here for real with buildah (on a base made from Debian
// packages and this machine's Node.js, passed as BASE_IMAGE), each started inside its image: the worker image's
// migrations command migrates a fresh database, the portal answers /api/health from it, the worker serves its probe
// and metrics, the runtime serves a mounted model with no control token.
const TARGETS: ImageTarget[] = ["worker", "portal", "runtime"];
/** What the migrations Job runs in the worker image (deploy/kustomize/base/migrate-job.yaml). */
const MIGRATE = ["node_modules/.bin/prisma", "migrate", "deploy"];
const ADMIN_URL = process.env.TEST_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const database = `modelport_images_${randomBytes(6).toString("hex")}`;
const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
const containers: string[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** A container of the image, removed after the file. */
async function container(target: ImageTarget) {
  const name = await containerFrom(target);
  containers.push(name);
  return name;
}

/** What the image runs: its entrypoint and command, then any arguments the caller gives (as `docker run` does). */
async function declaredCommand(target: ImageTarget, args: string[] = []) {
  const config = await imageConfig(target);
  expect(config.user).toBe("10001:10001");
  return [...config.entrypoint, ...(args.length > 0 ? args : config.cmd)];
}

beforeAll(async () => {
  const base = await testBaseImage();
  console.log(`[images] storage driver ${base.driver}, base ${base.image}`);
  for (const target of TARGETS) {
    const seconds = await buildImage(target, base.image);
    const { sizeBytes } = await imageConfig(target);
    console.log(`[images] ${imageName(target)}: built in ${seconds.toFixed(0)} s, ${(sizeBytes / 1e6).toFixed(0)} MB`);
  }
  await admin(`CREATE DATABASE ${database}`);
}, 1_800_000);

afterAll(async () => {
  if (containers.length > 0) await buildah(["rm", ...containers]);
  for (const target of TARGETS) await buildah(["rmi", "--force", imageName(target)]).catch(() => "");
  // The build's cached stages (under the vfs driver each is a full copy of its filesystem); the base is kept.
  await buildah(["rmi", "--prune"]).catch(() => "");
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}, 300_000);

describe("the container images", () => {
  it("run as UID 10001, which cannot write the application's files", async () => {
    const worker = await container("worker");
    const probe = await runToExit(worker, [
      "node",
      "-e",
      "try { require('fs').writeFileSync('/app/package.json', '') } catch (e) { console.log(process.getuid(), e.code) }",
    ]);
    expect(probe.output.trim()).toBe("10001 EACCES");
  }, 60_000);

  it("migrations: the worker image's migrate command applies every migration to a fresh database", async () => {
    const result = await runToExit(await container("worker"), MIGRATE, { env: { DATABASE_URL: databaseUrl } });
    expect(result.code, result.output).toBe(0);
    const migrations = (await readdir(path.join(ROOT, "prisma/migrations"), { withFileTypes: true })).filter((entry) =>
      entry.isDirectory(),
    );
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const applied = await client.query<{ count: string }>(
      "SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    await client.end();
    expect(Number(applied.rows[0]!.count)).toBe(migrations.length);
  }, 300_000);

  it("portal: the standalone server answers /api/health from its image", async () => {
    const port = await freePort();
    const portal = startInContainer(await container("portal"), await declaredCommand("portal"), {
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: "redis://127.0.0.1:6379",
        NEXTAUTH_SECRET: randomSecret(),
        ARTIFACT_URL_SECRET: randomSecret(),
        NEXTAUTH_URL: `http://127.0.0.1:${port}`,
        MODELPORT_DEV_LOGIN: "0",
        ARTIFACT_ROOT: "/tmp/artifacts",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
      },
    });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/api/health`, 200, portal);
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(await health.json()).toEqual({ status: "ok" });
      const signIn = await fetch(`http://127.0.0.1:${port}/signin`);
      expect(signIn.status).toBe(200);
    } finally {
      await portal.stop();
    }
  }, 180_000);

  it("worker: starts its job handlers and serves its probe and metrics", async () => {
    const port = await freePort();
    const worker = startInContainer(await container("worker"), await declaredCommand("worker"), {
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: "redis://127.0.0.1:6379",
        QUEUE_PREFIX: database,
        NEXTAUTH_SECRET: randomSecret(),
        ARTIFACT_URL_SECRET: randomSecret(),
        ARTIFACT_ROOT: "/tmp/artifacts",
        WORKER_METRICS_PORT: String(port),
        WORKER_METRICS_HOST: "127.0.0.1",
        CAPTURE_LOADER: "0",
      },
    });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, worker);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/^# HELP /m);
      await waitFor(() => /\[worker\] started: /.test(worker.output()), worker.output);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  describe("runtime", () => {
    const MODEL = "delivery-time-gbt";
    let models: Awaited<ReturnType<typeof temporaryDirectory>>;
    let entry: ManifestEntry;
    let model: BuiltModel;

    beforeAll(async () => {
      models = await temporaryDirectory("modelport-image-models-");
      const written = await writeModels(models.directory);
      entry = written.manifest.find((m) => m.name === MODEL)!;
      model = written.models.find((m) => m.name === MODEL)!;
    }, 120_000);
    afterAll(() => models?.remove());

    it("serves a mounted model with its signature and no control token", async () => {
      const mounted = path.join(models.directory, "mounted");
      await mkdir(mounted, { recursive: true });
      await copyFile(path.join(models.directory, entry.file), path.join(mounted, "model.onnx"));
      // The container's user is not the file's owner: the mount must be readable by others, as a volume would be.
      await chmod(models.directory, 0o755);
      await chmod(mounted, 0o755);
      await chmod(path.join(mounted, "model.onnx"), 0o644);
      const port = await freePort();
      // Started as SageMaker starts a serving container: `<image> serve`.
      const runtime = startInContainer(await container("runtime"), await declaredCommand("runtime", ["serve"]), {
        env: {
          PORT: String(port),
          MODELPORT_MODEL_PATH: "/models",
          MODELPORT_MODEL_SHA256: entry.sha256,
          MODELPORT_SIGNATURE: JSON.stringify(entry.signature),
          MODELPORT_ENDPOINT: "eta",
          MODELPORT_VARIANT: "eta-v3",
        },
        volumes: [`${mounted}:/models:ro`],
      });
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitForStatus(`${base}/readyz`, 200, runtime);
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        const { status, body } = await postJson(`${base}/v1/endpoints/eta/predict`, { row: rowObject(model.test, 0) });
        expect(status, runtime.output()).toBe(200);
        const minutes = (body.predictions as Array<{ delivery_minutes: number }>)[0]!.delivery_minutes;
        expect(Math.abs(minutes - model.predict(rowOf(model.test, 0)))).toBeLessThan(1e-4);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        expect(metrics).toContain('modelport_runtime_requests_total{endpoint="eta",variant="eta-v3",status="200"} 1');
        expect((await fetch(`${base}/v1/control/endpoints/eta`, { method: "PUT", body: "{}" })).status).toBe(404);
        // SageMaker's container contract: /ping, and CSV records in signature order to /invocations.
        expect((await fetch(`${base}/ping`)).status).toBe(200);
        const csv = await fetch(`${base}/invocations`, {
          method: "POST",
          headers: { "content-type": "text/csv" },
          body: `${rowOf(model.test, 0).join(",")}\n${rowOf(model.test, 1).join(",")}\n`,
        });
        expect(csv.status, runtime.output()).toBe(200);
        const answered = (await csv.text()).trimEnd().split("\n").map(Number);
        [0, 1].forEach((i) => expect(Math.abs(answered[i]! - model.predict(rowOf(model.test, i)))).toBeLessThan(1e-4));
      } finally {
        await runtime.stop();
      }
    }, 180_000);
  });
});

async function waitFor(condition: () => boolean, output: () => string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
