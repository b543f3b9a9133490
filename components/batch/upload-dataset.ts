import { z } from "zod";
import { DATASET_UPLOAD_HEADER } from "@/contracts/batch-jobs";

const uploadedSchema = z.object({
  id: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  columns: z.array(z.string()),
});
export type UploadedDataset = z.infer<typeof uploadedSchema>;

const refusalSchema = z.object({ error: z.object({ message: z.string() }) });

/** A file name the portal keeps: letters, digits, dots, dashes and underscores, ending .csv. */
export function datasetFileName(name: string): string {
  const base = name
    .replace(/\.csv$/i, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "");
  return `${base.slice(0, 90) || "dataset"}.csv`;
}

/** Streams a CSV file to the model's datasets (the browser route, with the session cookie and the upload header). */
export async function uploadDatasetFile(modelName: string, file: File): Promise<UploadedDataset> {
  const query = new URLSearchParams({ fileName: datasetFileName(file.name) });
  const response = await fetch(`/api/models/${encodeURIComponent(modelName)}/datasets?${query}`, {
    method: "POST",
    body: file,
    headers: { "content-type": "text/csv", [DATASET_UPLOAD_HEADER]: "1" },
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const refusal = refusalSchema.safeParse(body);
    throw new Error(refusal.success ? refusal.data.error.message : `The upload failed (${response.status})`);
  }
  return uploadedSchema.parse(body);
}
