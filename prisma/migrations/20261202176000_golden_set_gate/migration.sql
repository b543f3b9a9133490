-- CreateEnum
CREATE TYPE "GoldenSetSource" AS ENUM ('CSV', 'LABELS');

-- CreateEnum
CREATE TYPE "GateEvaluationStatus" AS ENUM ('QUEUED', 'RUNNING', 'PASSED', 'FAILED', 'ERROR');

-- AlterTable
ALTER TABLE "Approval" ADD COLUMN     "overridesGate" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN     "gateEvaluationId" TEXT;

-- CreateTable
CREATE TABLE "GoldenSet" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "featureNames" TEXT[],
    "source" "GoldenSetSource" NOT NULL,
    "sourceName" TEXT NOT NULL DEFAULT '',
    "description" TEXT NOT NULL DEFAULT '',
    "overlapVersionId" TEXT,
    "overlapSampleRows" INTEGER,
    "overlapCount" INTEGER,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GoldenSet_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GoldenSetRow" (
    "goldenSetId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "features" JSONB NOT NULL,
    "expectedLabel" TEXT,
    "expectedValue" DOUBLE PRECISION,
    "provenance" JSONB NOT NULL,

    CONSTRAINT "GoldenSetRow_pkey" PRIMARY KEY ("goldenSetId","position")
);

-- CreateTable
CREATE TABLE "GateRule" (
    "modelId" TEXT NOT NULL,
    "confidenceLevel" DOUBLE PRECISION NOT NULL DEFAULT 0.95,
    "resamples" INTEGER NOT NULL DEFAULT 2000,
    "criteria" JSONB NOT NULL DEFAULT '[]',
    "updatedById" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GateRule_pkey" PRIMARY KEY ("modelId")
);

-- CreateTable
CREATE TABLE "GateEvaluation" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "candidateVersionId" TEXT NOT NULL,
    "championVersionId" TEXT,
    "goldenSetId" TEXT NOT NULL,
    "goldenSetHash" TEXT NOT NULL,
    "rule" JSONB NOT NULL,
    "status" "GateEvaluationStatus" NOT NULL DEFAULT 'QUEUED',
    "metrics" JSONB NOT NULL DEFAULT '[]',
    "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" TEXT,
    "seed" INTEGER NOT NULL,
    "requestedById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "GateEvaluation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GoldenSet_modelId_createdAt_idx" ON "GoldenSet"("modelId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "GoldenSet_modelId_name_version_key" ON "GoldenSet"("modelId", "name", "version");

-- CreateIndex
CREATE UNIQUE INDEX "GateEvaluation_key_key" ON "GateEvaluation"("key");

-- CreateIndex
CREATE INDEX "GateEvaluation_candidateVersionId_createdAt_idx" ON "GateEvaluation"("candidateVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "GateEvaluation_modelId_createdAt_idx" ON "GateEvaluation"("modelId", "createdAt");

-- AddForeignKey
ALTER TABLE "Promotion" ADD CONSTRAINT "Promotion_gateEvaluationId_fkey" FOREIGN KEY ("gateEvaluationId") REFERENCES "GateEvaluation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GoldenSet" ADD CONSTRAINT "GoldenSet_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GoldenSetRow" ADD CONSTRAINT "GoldenSetRow_goldenSetId_fkey" FOREIGN KEY ("goldenSetId") REFERENCES "GoldenSet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateRule" ADD CONSTRAINT "GateRule_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateEvaluation" ADD CONSTRAINT "GateEvaluation_candidateVersionId_fkey" FOREIGN KEY ("candidateVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateEvaluation" ADD CONSTRAINT "GateEvaluation_championVersionId_fkey" FOREIGN KEY ("championVersionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GateEvaluation" ADD CONSTRAINT "GateEvaluation_goldenSetId_fkey" FOREIGN KEY ("goldenSetId") REFERENCES "GoldenSet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

