import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { seededRandom, type Random } from "@/training/random";
import { samplePsi } from "@/server/services/drift/sample-psi";

/** Four shapes (normal, log-normal, uniform, tied integers); every fifth feature drifts in production. */
const SHAPES: Array<(r: Random, drift: boolean) => number> = [
  (r, drift) => r.normal(drift ? 0.3 : 0),
  (r, drift) => r.logNormal(drift ? 0.2 : 0, 0.5),
  (r, drift) => r.uniform() * (drift ? 1.2 : 1),
  (r, drift) => Math.floor(r.exponential(drift ? 25 : 20)),
];

export type RawSamples = { rows: number; features: number; reference: Float64Array[]; production: Float64Array[] };

export function generateRawSamples(rows: number, features: number): RawSamples {
  const make = (seed: number, production: boolean) =>
    Array.from({ length: features }, (_, f) => {
      const random = seededRandom(seed * 1000 + f);
      const shape = SHAPES[f % SHAPES.length]!;
      const drift = production && f % 5 === 0;
      const column = new Float64Array(rows);
      for (let i = 0; i < rows; i++) column[i] = shape(random, drift);
      return column;
    });
  return { rows, features, reference: make(1, false), production: make(2, true) };
}

/** Reference columns, then production columns, float64 little-endian: the layout psi_numpy.py reads. */
export async function writeRawSamples(file: string, samples: RawSamples) {
  const columns = [...samples.reference, ...samples.production];
  await writeFile(
    file,
    columns.map((c) => new Uint8Array(c.buffer, c.byteOffset, c.byteLength)),
  );
}

export function timeTypeScript(samples: RawSamples, bins: number, runs: number) {
  const timesMs: number[] = [];
  let psi: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    psi = samples.reference.map((reference, f) => samplePsi(reference, samples.production[f]!, bins).psi);
    timesMs.push(performance.now() - start);
  }
  return { timesMs, psi };
}

export type NumpyResult = { numpy: string; timesMs: number[]; psi: number[] };

/** Runs psi_numpy.py on the same file; null (with how to install it) when Debian's python3-numpy is missing. */
export function timeNumpy(
  script: string,
  file: string,
  samples: RawSamples,
  bins: number,
  runs: number,
): NumpyResult | null {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" });
  } catch {
    console.log("NumPy is not installed: sudo apt-get install -y python3-numpy (then run npm run bench:psi again)");
    return null;
  }
  const output = execFileSync(
    "/usr/bin/python3",
    [script, file, String(samples.rows), String(samples.features), String(bins), String(runs)],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(output.toString()) as NumpyResult;
}
