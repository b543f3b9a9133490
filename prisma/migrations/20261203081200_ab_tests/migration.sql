-- CreateEnum
CREATE TYPE "AbTestStatus" AS ENUM ('PLANNED', 'SHADOW', 'RUNNING', 'STOPPED', 'CONCLUDED');

-- CreateEnum
CREATE TYPE "AbAssignmentUnit" AS ENUM ('REQUEST', 'STICKY');

-- CreateEnum
CREATE TYPE "AbArmRole" AS ENUM ('CHAMPION', 'CHALLENGER');

-- CreateTable
CREATE TABLE "AbTest" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "status" "AbTestStatus" NOT NULL DEFAULT 'PLANNED',
    "assignment" "AbAssignmentUnit" NOT NULL,
    "salt" TEXT NOT NULL,
    "preRegistration" JSONB NOT NULL,
    "metrics" JSONB NOT NULL DEFAULT '[]',
    "createdById" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AbTest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AbTestArm" (
    "id" TEXT NOT NULL,
    "testId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "role" "AbArmRole" NOT NULL,
    "variantName" TEXT NOT NULL,
    "weight" INTEGER NOT NULL,

    CONSTRAINT "AbTestArm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AbTest_salt_key" ON "AbTest"("salt");

-- CreateIndex
CREATE INDEX "AbTest_status_createdAt_idx" ON "AbTest"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AbTest_endpointId_name_key" ON "AbTest"("endpointId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "AbTestArm_testId_versionId_key" ON "AbTestArm"("testId", "versionId");

-- CreateIndex
CREATE UNIQUE INDEX "AbTestArm_testId_variantName_key" ON "AbTestArm"("testId", "variantName");

-- AddForeignKey
ALTER TABLE "AbTest" ADD CONSTRAINT "AbTest_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTest" ADD CONSTRAINT "AbTest_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTestArm" ADD CONSTRAINT "AbTestArm_testId_fkey" FOREIGN KEY ("testId") REFERENCES "AbTest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbTestArm" ADD CONSTRAINT "AbTestArm_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- At most one live (shadow or running) A/B test per endpoint: two would fight over its traffic weights.
CREATE UNIQUE INDEX "AbTest_one_live_per_endpoint" ON "AbTest"("endpointId") WHERE "status" IN ('SHADOW', 'RUNNING');
