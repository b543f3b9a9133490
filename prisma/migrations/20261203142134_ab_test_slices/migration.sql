-- Hourly slices of an A/B test's measured data (server/services/abtests/analysis/slices): a look sums the hours it
-- already counted and recounts only hours whose rows changed, found by the two new indexes on when rows were written.

-- CreateEnum
CREATE TYPE "AbSliceKind" AS ENUM ('OUTCOME', 'CAPTURE');

-- CreateTable
CREATE TABLE "AbTestSlice" (
    "testId" TEXT NOT NULL,
    "kind" "AbSliceKind" NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "variantName" TEXT NOT NULL,
    "units" DOUBLE PRECISION[],
    "sums" DOUBLE PRECISION[],
    "squares" DOUBLE PRECISION[],
    "weighted" DOUBLE PRECISION NOT NULL,
    "bins" INTEGER[],
    "mirrors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AbTestSlice_pkey" PRIMARY KEY ("testId","kind","hour","variantName")
);

-- CreateTable
CREATE TABLE "AbTestSliceMark" (
    "testId" TEXT NOT NULL,
    "kind" "AbSliceKind" NOT NULL,
    "firstHour" TIMESTAMP(3) NOT NULL,
    "throughHour" TIMESTAMP(3) NOT NULL,
    "changesSince" TIMESTAMP(3) NOT NULL,
    "recountedAt" TIMESTAMP(3) NOT NULL,
    "metrics" TEXT[],
    "edges" DOUBLE PRECISION[],
    "edgeSample" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AbTestSliceMark_pkey" PRIMARY KEY ("testId","kind")
);

-- CreateIndex
CREATE INDEX "CapturedPrediction_endpointId_loadedAt_idx" ON "CapturedPrediction"("endpointId", "loadedAt");

-- CreateIndex
CREATE INDEX "PredictionOutcome_endpointId_updatedAt_idx" ON "PredictionOutcome"("endpointId", "updatedAt");

-- AddForeignKey
ALTER TABLE "AbTestSlice" ADD CONSTRAINT "AbTestSlice_testId_fkey" FOREIGN KEY ("testId") REFERENCES "AbTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTestSliceMark" ADD CONSTRAINT "AbTestSliceMark_testId_fkey" FOREIGN KEY ("testId") REFERENCES "AbTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;
