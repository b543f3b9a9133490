-- CreateEnum
CREATE TYPE "LabelItemStatus" AS ENUM ('LABELLING', 'REVIEW', 'ACCEPTED');

-- CreateEnum
CREATE TYPE "LabelReviewDecision" AS ENUM ('ACCEPT', 'FIX_ACCEPT', 'REJECT');

-- CreateEnum
CREATE TYPE "PredictionFlagSource" AS ENUM ('CALLER', 'GUARDRAIL');

-- CreateTable
CREATE TABLE "LabelQueue" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "labelSchema" JSONB NOT NULL,
    "overlap" INTEGER NOT NULL DEFAULT 1,
    "dailyBudget" INTEGER NOT NULL DEFAULT 100,
    "sampling" JSONB NOT NULL,
    "salt" TEXT NOT NULL,
    "cursorAt" TIMESTAMP(3),
    "cursorId" UUID,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelQueue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelItem" (
    "id" TEXT NOT NULL,
    "queueId" TEXT NOT NULL,
    "predictionId" UUID NOT NULL,
    "endpointId" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "versionId" TEXT,
    "predictedAt" TIMESTAMP(3) NOT NULL,
    "correlationId" TEXT,
    "inputs" JSONB NOT NULL,
    "outputs" JSONB NOT NULL,
    "score" DOUBLE PRECISION,
    "stratum" TEXT NOT NULL,
    "strata" TEXT[],
    "inclusionProbability" DOUBLE PRECISION NOT NULL,
    "budgetFactor" DOUBLE PRECISION NOT NULL,
    "status" "LabelItemStatus" NOT NULL DEFAULT 'LABELLING',
    "round" INTEGER NOT NULL DEFAULT 1,
    "finalValue" JSONB,
    "sampledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LabelItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Annotation" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "annotatorId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "value" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Annotation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelReview" (
    "id" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "reviewerId" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "decision" "LabelReviewDecision" NOT NULL,
    "value" JSONB,
    "reason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabelReview_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PredictionFlag" (
    "id" TEXT NOT NULL,
    "predictionId" UUID NOT NULL,
    "endpointId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "source" "PredictionFlagSource" NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PredictionFlag_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LabelQueue_modelId_name_key" ON "LabelQueue"("modelId", "name");

-- CreateIndex
CREATE INDEX "LabelItem_queueId_status_sampledAt_idx" ON "LabelItem"("queueId", "status", "sampledAt");

-- CreateIndex
CREATE INDEX "LabelItem_predictionId_idx" ON "LabelItem"("predictionId");

-- CreateIndex
CREATE UNIQUE INDEX "LabelItem_queueId_predictionId_key" ON "LabelItem"("queueId", "predictionId");

-- CreateIndex
CREATE INDEX "Annotation_annotatorId_idx" ON "Annotation"("annotatorId");

-- CreateIndex
CREATE UNIQUE INDEX "Annotation_itemId_annotatorId_round_key" ON "Annotation"("itemId", "annotatorId", "round");

-- CreateIndex
CREATE INDEX "LabelReview_reviewerId_idx" ON "LabelReview"("reviewerId");

-- CreateIndex
CREATE UNIQUE INDEX "LabelReview_itemId_round_key" ON "LabelReview"("itemId", "round");

-- CreateIndex
CREATE INDEX "PredictionFlag_predictionId_idx" ON "PredictionFlag"("predictionId");

-- CreateIndex
CREATE UNIQUE INDEX "PredictionFlag_endpointId_predictionId_source_key" ON "PredictionFlag"("endpointId", "predictionId", "source");

-- AddForeignKey
ALTER TABLE "LabelQueue" ADD CONSTRAINT "LabelQueue_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "RegisteredModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelItem" ADD CONSTRAINT "LabelItem_queueId_fkey" FOREIGN KEY ("queueId") REFERENCES "LabelQueue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Annotation" ADD CONSTRAINT "Annotation_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "LabelItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelReview" ADD CONSTRAINT "LabelReview_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "LabelItem"("id") ON DELETE CASCADE ON UPDATE CASCADE;

