import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { endpointConfigSchema, type EndpointConfig } from "@/contracts/runtime-control";

/**
 * The runtime as a serving image for one model (the Kubernetes ONNX target's `model-server` container, or any
 * `docker run`): it loads the model named by its settings at start and has no control API, so it needs no token.
 *
 * Settings (environment): MODELPORT_MODEL_PATH (an .onnx file, or a directory holding `model.onnx` or exactly one
 * .onnx file) or MODELPORT_MODEL_URL (http(s); downloaded once into MODELPORT_SCRATCH_DIR), MODELPORT_MODEL_SHA256
 * (required with a URL; checked against a path's file when set), MODELPORT_SIGNATURE (JSON) or MODELPORT_SIGNATURE_FILE
 * (a mounted file), MODELPORT_ENDPOINT (default "model"), MODELPORT_VARIANT (default "primary"),
 * MODELPORT_MODEL_NAME, MODELPORT_MODEL_VERSION.
 */
export type StandaloneModel = { endpointName: string; config: EndpointConfig };

export const isStandalone = (environment: NodeJS.ProcessEnv) =>
  Boolean(environment.MODELPORT_MODEL_PATH || environment.MODELPORT_MODEL_URL);

const sha256File = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

/** The .onnx file a path names: itself, or a directory's `model.onnx`, or its only .onnx file. */
async function modelFileAt(location: string): Promise<string> {
  const info = await stat(location).catch(() => {
    throw new Error(`MODELPORT_MODEL_PATH: nothing at ${location}`);
  });
  if (info.isFile()) return location;
  const onnx = (await readdir(location)).filter((name) => name.endsWith(".onnx"));
  if (onnx.includes("model.onnx")) return path.join(location, "model.onnx");
  if (onnx.length === 1) return path.join(location, onnx[0]!);
  throw new Error(`MODELPORT_MODEL_PATH: ${location} holds ${onnx.length} .onnx files; name the file`);
}

/** Downloads the model once (to a temporary name, renamed when whole and matching its digest). */
async function downloadModel(url: string, sha256: string, scratch: string): Promise<string> {
  const file = path.join(scratch, `${sha256}.onnx`);
  if ((await stat(file).catch(() => null))?.isFile() && (await sha256File(file)) === sha256) return file;
  await mkdir(scratch, { recursive: true });
  const response = await fetch(url);
  if (!response.ok || !response.body)
    throw new Error(`MODELPORT_MODEL_URL answered ${response.status}: the model could not be downloaded`);
  const partial = `${file}.part`;
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), createWriteStream(partial));
  const actual = await sha256File(partial);
  if (actual !== sha256) {
    await rm(partial, { force: true });
    throw new Error(`MODELPORT_MODEL_URL: the download's sha256 is ${actual}, not MODELPORT_MODEL_SHA256 ${sha256}`);
  }
  await rename(partial, file);
  return file;
}

async function signatureFrom(environment: NodeJS.ProcessEnv): Promise<unknown> {
  const text = environment.MODELPORT_SIGNATURE_FILE
    ? await readFile(environment.MODELPORT_SIGNATURE_FILE, "utf8")
    : environment.MODELPORT_SIGNATURE;
  if (!text)
    throw new Error("Set MODELPORT_SIGNATURE (JSON) or MODELPORT_SIGNATURE_FILE: the model's inputs and outputs");
  try {
    return JSON.parse(text);
  } catch {
    throw new Error("MODELPORT_SIGNATURE is not JSON");
  }
}

/** The one endpoint a standalone runtime serves, from its settings; a clear error for each wrong one. */
export async function standaloneModel(environment: NodeJS.ProcessEnv): Promise<StandaloneModel> {
  const expected = environment.MODELPORT_MODEL_SHA256?.toLowerCase();
  let modelPath: string;
  if (environment.MODELPORT_MODEL_URL) {
    if (!expected)
      throw new Error("MODELPORT_MODEL_URL needs MODELPORT_MODEL_SHA256: a download is checked against it");
    const scratch = environment.MODELPORT_SCRATCH_DIR || path.join(os.tmpdir(), "modelport-model");
    modelPath = await downloadModel(environment.MODELPORT_MODEL_URL, expected, scratch);
  } else {
    modelPath = await modelFileAt(environment.MODELPORT_MODEL_PATH!);
  }
  const sha256 = expected ?? (await sha256File(modelPath));
  const version = environment.MODELPORT_MODEL_VERSION ? Number(environment.MODELPORT_MODEL_VERSION) : undefined;
  const parsed = endpointConfigSchema.safeParse({
    variants: [
      {
        variantName: environment.MODELPORT_VARIANT || "primary",
        ...(environment.MODELPORT_MODEL_NAME && { modelName: environment.MODELPORT_MODEL_NAME }),
        ...(version !== undefined && { modelVersion: version }),
        modelPath,
        sha256,
        signature: await signatureFrom(environment),
        weight: 100,
      },
    ],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`The model's settings are not valid: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  return { endpointName: environment.MODELPORT_ENDPOINT || "model", config: parsed.data };
}
