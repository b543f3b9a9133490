-- A second, coarser stored preview of each series (about 250 points), read by charts of many runs instead of the
-- preview of up to 2,000 points. Rows written before it have none and are served from the preview until their next write.
ALTER TABLE "MetricSeries" ADD COLUMN "previewCoarse" BYTEA;
