-- The prediction log and ground truth.
-- CapturedPrediction is partitioned by day on predictedAt: the capture loader creates each day partition
-- (CapturedPrediction_pYYYYMMDD) before loading rows into it, and the retention job drops old ones.
-- Prisma has no syntax for partitioning, so this file was written from prisma migrate diff and then given the
-- PARTITION BY clause by hand.
-- CreateEnum
CREATE TYPE "CaptureSource" AS ENUM ('RUNTIME', 'SAGEMAKER');

-- CreateEnum
CREATE TYPE "OutcomeSource" AS ENUM ('FEEDBACK', 'REVIEW');

-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "captureRate" DOUBLE PRECISION NOT NULL DEFAULT 1,
ADD COLUMN     "captureRetentionDays" INTEGER NOT NULL DEFAULT 30;

-- AlterTable
ALTER TABLE "RegisteredModel" ADD COLUMN     "decisionThreshold" DOUBLE PRECISION NOT NULL DEFAULT 0.5,
ADD COLUMN     "outcomeClasses" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "CapturedPrediction" (
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

    CONSTRAINT "CapturedPrediction_pkey" PRIMARY KEY ("id","predictedAt")
) PARTITION BY RANGE ("predictedAt");

-- CreateTable
CREATE TABLE "PredictionOutcome" (
    "id" BIGSERIAL NOT NULL,
    "predictionId" UUID NOT NULL,
    "source" "OutcomeSource" NOT NULL,
    "endpointId" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "versionId" TEXT,
    "predictedAt" TIMESTAMP(3) NOT NULL,
    "predictedLabel" TEXT,
    "predictedValue" DOUBLE PRECISION,
    "score" DOUBLE PRECISION,
    "label" TEXT,
    "value" DOUBLE PRECISION,
    "inclusionProbability" DOUBLE PRECISION NOT NULL,
    "stratum" TEXT,
    "knownAt" TIMESTAMP(3) NOT NULL,
    "recordedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PredictionOutcome_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CapturedPrediction_endpointId_predictedAt_idx" ON "CapturedPrediction"("endpointId", "predictedAt");

-- CreateIndex
CREATE INDEX "CapturedPrediction_endpointId_correlationId_idx" ON "CapturedPrediction"("endpointId", "correlationId");

-- CreateIndex
CREATE INDEX "PredictionOutcome_endpointId_predictedAt_idx" ON "PredictionOutcome"("endpointId", "predictedAt");

-- CreateIndex
CREATE UNIQUE INDEX "PredictionOutcome_predictionId_source_key" ON "PredictionOutcome"("predictionId", "source");

-- AddForeignKey
ALTER TABLE "PredictionOutcome" ADD CONSTRAINT "PredictionOutcome_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

