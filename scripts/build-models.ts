import path from "node:path";
import { writeModels } from "@/training/write-models";

// Builds the demo ONNX models from deterministic synthetic data: `npx tsx scripts/build-models.ts [directory]`.
const directory = path.resolve(process.argv[2] ?? ".data/models");
const started = performance.now();
const { manifest } = await writeModels(directory);
for (const entry of manifest) {
  const metrics = Object.entries(entry.metrics)
    .map(([name, value]) => `${name}=${value.toFixed(4)}`)
    .join(" ");
  console.log(`${entry.name.padEnd(18)} ${entry.sha256.slice(0, 12)}  ${metrics}`);
}
console.log(
  `Wrote ${manifest.length} models to ${directory} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
