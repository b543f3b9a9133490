import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const FILE = path.resolve(import.meta.dirname, "../../docs/benchmarks.md");
const HEADER =
  "# Benchmarks\n\nNumbers printed by the scripts in `bench/`; each section is rewritten by its own script.\n";

/** Replaces the `## <name>` section of docs/benchmarks.md (or appends it), leaving the others alone. */
export function writeBenchmarkSection(name: string, body: string) {
  const existing = existsSync(FILE) ? readFileSync(FILE, "utf8") : HEADER;
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pattern = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  const section = body.trimEnd() + "\n";
  writeFileSync(
    FILE,
    pattern.test(existing) ? existing.replace(pattern, section) : existing.trimEnd() + "\n\n" + section,
  );
}
