-- Captured predictions kept past retention (a ground-truth outcome or a label item refers to them), copied here
-- by the retention job before it drops their day partition.
-- CreateTable
CREATE TABLE "CapturedPredictionRetained" (
    "id" UUID NOT NULL,
    "predictedAt" TIMESTAMP(3) NOT NULL,
    "requestId" UUID NOT NULL,
    "rowIndex" INTEGER NOT NULL,
    "endpointId" TEXT,
    "endpointName" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "modelName" TEXT,
    "modelVersion" INTEGER,
    "versionId" TEXT,
    "correlationId" TEXT,
    "inputs" JSONB NOT NULL,
    "outputs" JSONB NOT NULL,
    "score" DOUBLE PRECISION,
    "latencyMs" DOUBLE PRECISION NOT NULL,
    "captureProbability" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "source" "CaptureSource" NOT NULL DEFAULT 'RUNTIME',
    "loadedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retainedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CapturedPredictionRetained_pkey" PRIMARY KEY ("id","predictedAt")
);

-- CreateIndex
CREATE INDEX "CapturedPredictionRetained_endpointId_predictedAt_idx" ON "CapturedPredictionRetained"("endpointId", "predictedAt");

-- CreateIndex
CREATE INDEX "CapturedPredictionRetained_endpointId_correlationId_idx" ON "CapturedPredictionRetained"("endpointId", "correlationId");

