import { Prisma } from "@/server/db/generated/client";
import type { CaptureRecord } from "@/contracts/prediction-capture";
import type { CaptureObjects } from "@/server/integrations/sagemaker/capture-objects";
import { samplingPercentage } from "@/server/integrations/sagemaker/endpoint-config";
import type { ReadContext } from "@/server/services/context";
import {
  parseCaptureObject,
  type CaptureContext,
  type Malformed,
} from "@/server/services/capture/sagemaker-import-parse";

/*
 * Imports SageMaker endpoints' data capture (JSONL in S3) into the capture stream, from which the capture loader writes
 * the prediction log. Invariants:
 * - an object's records are handed to the stream BEFORE its variant's cursor moves past it, so a crash (mid-listing,
 *   mid-object) loses nothing: the next run starts after the last object fully handed on. An object handed on twice
 *   (crash between the hand-over and the cursor) repeats the same prediction ids, which the loader stores once;
 * - a cursor only moves forward (compared byte-wise, as S3 orders keys), so two overlapping runs cannot rewind it;
 * - a malformed line is counted and skipped with its reason; it never stops the import.
 */

/** Hands records to the capture stream (XADD); resolves once they are stored in Redis. */
export type CaptureSink = (records: CaptureRecord[]) => Promise<void>;

export type MalformedLine = Malformed & { key: string };

/** What a run imported; `malformed` lists the first lines skipped (all are counted in `malformedLines`). */
export type ImportSummary = { objects: number; records: number; malformedLines: number; malformed: MalformedLine[] };

type ImportDeps = ReadContext & { objects: CaptureObjects; sink: CaptureSink };

/** How many malformed lines one run reports in full (all are counted on the cursor). */
const MAX_REPORTED_MALFORMED = 100;

type SignatureNames = { inputs: string[]; outputs: string[] };

function signatureNames(signature: Prisma.JsonValue): SignatureNames {
  const names = (list: unknown) =>
    Array.isArray(list)
      ? list.flatMap((item) =>
          typeof item === "object" && item !== null && "name" in item && typeof item.name === "string"
            ? [item.name]
            : [],
        )
      : [];
  if (typeof signature !== "object" || signature === null || Array.isArray(signature)) {
    return { inputs: [], outputs: [] };
  }
  return { inputs: names(signature.inputs), outputs: names(signature.outputs) };
}

async function sageMakerEndpoints(ctx: ReadContext) {
  return ctx.db.endpoint.findMany({
    where: { target: "SAGEMAKER" },
    orderBy: { name: "asc" },
    select: {
      name: true,
      captureRate: true,
      variants: {
        select: {
          variantName: true,
          version: { select: { version: true, signature: true, model: { select: { name: true } } } },
        },
      },
    },
  });
}

type SageMakerEndpoint = Awaited<ReturnType<typeof sageMakerEndpoints>>[number];

function contextFor(endpoint: SageMakerEndpoint, variantName: string): CaptureContext {
  const variant = endpoint.variants.find((v) => v.variantName === variantName);
  const names = variant ? signatureNames(variant.version.signature) : { inputs: [], outputs: [] };
  const percentage = samplingPercentage(endpoint.captureRate);
  return {
    endpoint: endpoint.name,
    variant: variantName,
    modelName: variant?.version.model.name,
    modelVersion: variant?.version.version,
    captureProbability: percentage > 0 ? percentage / 100 : 1,
    inputNames: names.inputs,
    outputNames: names.outputs,
  };
}

/** Moves the cursor to `key` (never backwards) and adds the object's counts. */
async function advanceCursor(
  ctx: ReadContext,
  at: { endpoint: string; variant: string; key: string; records: number; malformed: number },
) {
  await ctx.db.$executeRaw(Prisma.sql`
    INSERT INTO "SageMakerCaptureCursor" AS c
      ("endpointName", "variantName", "lastKey", "objects", "records", "malformed", "updatedAt")
    VALUES (${at.endpoint}, ${at.variant}, ${at.key}, 1, ${at.records}, ${at.malformed},
      (clock_timestamp() AT TIME ZONE 'UTC'))
    ON CONFLICT ("endpointName", "variantName") DO UPDATE SET
      "lastKey" = EXCLUDED."lastKey", "objects" = c."objects" + 1, "records" = c."records" + EXCLUDED."records",
      "malformed" = c."malformed" + EXCLUDED."malformed", "updatedAt" = EXCLUDED."updatedAt"
    WHERE c."lastKey" COLLATE "C" < EXCLUDED."lastKey" COLLATE "C"`);
}

async function importVariant(deps: ImportDeps, endpoint: SageMakerEndpoint, variant: string, summary: ImportSummary) {
  const context = contextFor(endpoint, variant);
  const cursor = await deps.db.sageMakerCaptureCursor.findUnique({
    where: { endpointName_variantName: { endpointName: endpoint.name, variantName: variant } },
    select: { lastKey: true },
  });
  for await (const key of deps.objects.keysAfter(endpoint.name, variant, cursor?.lastKey)) {
    const { records, malformed } = parseCaptureObject(await deps.objects.read(key), context);
    if (records.length > 0) await deps.sink(records);
    await advanceCursor(deps, {
      endpoint: endpoint.name,
      variant,
      key,
      records: records.length,
      malformed: malformed.length,
    });
    summary.objects += 1;
    summary.records += records.length;
    summary.malformedLines += malformed.length;
    const room = MAX_REPORTED_MALFORMED - summary.malformed.length;
    summary.malformed.push(...malformed.slice(0, Math.max(0, room)).map((line) => ({ ...line, key })));
  }
}

/**
 * The variants to read: those serving now, those read before (a variant may be gone while its last hour of capture is
 * not yet imported), and the folders S3 lists under the endpoint (some S3-compatible stores list no folders).
 */
async function variantsOf(deps: ImportDeps, endpoint: SageMakerEndpoint): Promise<string[]> {
  const cursors = await deps.db.sageMakerCaptureCursor.findMany({
    where: { endpointName: endpoint.name },
    select: { variantName: true },
  });
  const listed = await deps.objects.variants(endpoint.name);
  const names = [...endpoint.variants.map((v) => v.variantName), ...cursors.map((c) => c.variantName), ...listed];
  return [...new Set(names)].sort();
}

/** One import run over every SageMaker endpoint's variants: the objects captured since the last run. */
export async function importSageMakerCaptures(deps: ImportDeps): Promise<ImportSummary> {
  const summary: ImportSummary = { objects: 0, records: 0, malformedLines: 0, malformed: [] };
  for (const endpoint of await sageMakerEndpoints(deps)) {
    for (const variant of await variantsOf(deps, endpoint)) {
      await importVariant(deps, endpoint, variant, summary);
    }
  }
  return summary;
}
