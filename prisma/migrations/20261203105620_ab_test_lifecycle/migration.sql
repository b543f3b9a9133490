/*
  Warnings:

  - A unique constraint covering the columns `[promotionId]` on the table `AbTest` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "AbDecision" AS ENUM ('PROMOTE', 'KEEP_CHAMPION');

-- AlterTable
ALTER TABLE "AbTest" ADD COLUMN     "analysis" JSONB,
ADD COLUMN     "analyzedAt" TIMESTAMP(3),
ADD COLUMN     "decidedAt" TIMESTAMP(3),
ADD COLUMN     "decidedById" TEXT,
ADD COLUMN     "decision" "AbDecision",
ADD COLUMN     "evidence" JSONB,
ADD COLUMN     "leaseExpiresAt" TIMESTAMP(3),
ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "pendingStatus" "AbTestStatus",
ADD COLUMN     "promotionId" TEXT,
ADD COLUMN     "stopReason" TEXT,
ADD COLUMN     "transitionError" TEXT,
ADD COLUMN     "transitionSeq" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "AbTestArm" ADD COLUMN     "stopReason" TEXT,
ADD COLUMN     "stoppedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "EndpointVariant" ADD COLUMN     "shadow" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "AbTestLook" (
    "id" TEXT NOT NULL,
    "testId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "controlUnits" INTEGER NOT NULL,
    "treatmentUnits" INTEGER NOT NULL,
    "controlValue" DOUBLE PRECISION,
    "treatmentValue" DOUBLE PRECISION,
    "estimate" DOUBLE PRECISION,
    "lower" DOUBLE PRECISION,
    "upper" DOUBLE PRECISION,
    "pValue" DOUBLE PRECISION,

    CONSTRAINT "AbTestLook_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AbTestLook_testId_metric_variantName_at_idx" ON "AbTestLook"("testId", "metric", "variantName", "at");

-- CreateIndex
CREATE UNIQUE INDEX "AbTest_promotionId_key" ON "AbTest"("promotionId");

-- AddForeignKey
ALTER TABLE "AbTestLook" ADD CONSTRAINT "AbTestLook_testId_fkey" FOREIGN KEY ("testId") REFERENCES "AbTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTest" ADD CONSTRAINT "AbTest_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTest" ADD CONSTRAINT "AbTest_promotionId_fkey" FOREIGN KEY ("promotionId") REFERENCES "Promotion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A test whose traffic is being moved (pendingStatus set) holds its endpoint as a live test does.
DROP INDEX "AbTest_one_live_per_endpoint";
CREATE UNIQUE INDEX "AbTest_one_live_per_endpoint" ON "AbTest"("endpointId")
  WHERE "status" IN ('SHADOW', 'RUNNING') OR "pendingStatus" IS NOT NULL;

-- How long a model's ground truth takes to arrive (A/B outcome metrics wait this long).
ALTER TABLE "RegisteredModel" ADD COLUMN "labelDelayMinutes" INTEGER NOT NULL DEFAULT 0;

-- An A/B test's automatic harm stop raises an alert.
ALTER TYPE "AlertKind" ADD VALUE 'AB_TEST_HARM';

-- When shadow mode first settled (the shadow comparison's window).
ALTER TABLE "AbTest" ADD COLUMN "shadowStartedAt" TIMESTAMP(3);
