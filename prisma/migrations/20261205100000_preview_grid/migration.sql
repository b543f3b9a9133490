-- Stored previews kept current from each batch of points (curve-preview.ts gridPreview), the grid null when whole or older
ALTER TABLE "MetricSeries" ADD COLUMN "previewGrid" INTEGER;
