import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { endpointConfigSchema, type EndpointConfig } from "@/contracts/runtime-control";

const stateSchema = z.record(z.string(), endpointConfigSchema);

/** Writes the desired state atomically (temp file + rename), so a crash never leaves half a file. */
export async function saveState(file: string, state: Record<string, EndpointConfig>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state, null, 2));
  await rename(temporary, file);
}

export async function loadState(file: string): Promise<Record<string, EndpointConfig>> {
  if (!existsSync(file)) return {};
  return stateSchema.parse(JSON.parse(await readFile(file, "utf8")));
}
