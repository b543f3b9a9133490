-- A shadow variant's captured prediction names the live prediction it mirrored (null for live predictions).
-- On the partitioned parent, the column reaches every day partition.
ALTER TABLE "CapturedPrediction" ADD COLUMN "mirrorOf" UUID;
ALTER TABLE "CapturedPredictionRetained" ADD COLUMN "mirrorOf" UUID;
