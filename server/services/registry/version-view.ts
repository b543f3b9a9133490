import type { Prisma } from "@/server/db/generated/client";
import { readMetricsSnapshot } from "@/server/services/registry/metrics-snapshot";
import { signatureSchema, type Signature } from "@/contracts/signature";
import type { VersionView } from "@/server/services/registry/schemas";

/** What a versions table and a version page need about one version, lineage included. */
export const versionSelect = {
  id: true,
  version: true,
  format: true,
  description: true,
  createdAt: true,
  metricsSnapshot: true,
  createdBy: { select: { id: true, name: true } },
  aliases: { select: { alias: true }, orderBy: { alias: "asc" } },
  sourceRun: { select: { id: true, name: true, status: true, experiment: { select: { id: true, name: true } } } },
  artifact: { select: { id: true, path: true, sha256: true, sizeBytes: true, contentType: true } },
} satisfies Prisma.ModelVersionSelect;

type VersionRow = Prisma.ModelVersionGetPayload<{ select: typeof versionSelect }>;

export function toVersionView(row: VersionRow): VersionView {
  const run = row.sourceRun;
  const artifact = row.artifact;
  return {
    id: row.id,
    version: row.version,
    format: row.format,
    description: row.description,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    metrics: readMetricsSnapshot(row.metricsSnapshot),
    aliases: row.aliases.map((a) => a.alias),
    lineage: {
      run: run
        ? {
            id: run.id,
            name: run.name,
            status: run.status,
            experimentId: run.experiment.id,
            experimentName: run.experiment.name,
          }
        : null,
      artifact: artifact ? { ...artifact, sizeBytes: Number(artifact.sizeBytes) } : null,
    },
  };
}

/** A stored signature, or null when the version was registered without one. */
export function readSignature(json: Prisma.JsonValue): Signature | null {
  const parsed = signatureSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
