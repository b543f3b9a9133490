import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { UsageError } from "@/cli/errors";

export type Env = Record<string, string | undefined>;

const configSchema = z.object({ url: z.string().min(1), token: z.string().min(1) });
export type Connection = z.infer<typeof configSchema>;

export function configPath(env: Env): string {
  return env.MODELPORT_CONFIG || join(env.HOME || homedir(), ".config", "modelport", "config.json");
}

/** The portal's base URL without a trailing slash or `/api/v1`, which the client adds itself. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL (expected e.g. https://modelport.example.com)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`The URL must use http or https, got ${url.protocol}`);
  return url
    .toString()
    .replace(/\/+$/, "")
    .replace(/\/api\/v1$/, "");
}

/** MODELPORT_URL and MODELPORT_TOKEN (for CI jobs) override the saved login, each on its own. */
export function resolveConnection(env: Env, saved: Connection | null): Connection {
  const url = env.MODELPORT_URL || saved?.url;
  const token = env.MODELPORT_TOKEN || saved?.token;
  if (!url || !token) {
    throw new UsageError(
      "Not logged in: run `modelport login --url URL --token TOKEN`, or set MODELPORT_URL and MODELPORT_TOKEN",
    );
  }
  return { url: normalizeBaseUrl(url), token };
}

export async function readSavedConnection(path: string): Promise<Connection | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not valid JSON; run \`modelport login\` again`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) throw new UsageError(`${path} lacks a url or token; run \`modelport login\` again`);
  return parsed.data;
}

/** Only the owner may read the file: it holds a bearer token. */
export async function saveConnection(path: string, connection: Connection): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, JSON.stringify(connection, null, 2) + "\n", { mode: 0o600 });
  await chmod(path, 0o600);
}
