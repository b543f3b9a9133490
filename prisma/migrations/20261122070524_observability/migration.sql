-- CreateEnum
CREATE TYPE "FeatureKind" AS ENUM ('NUMERIC', 'CATEGORICAL');

-- CreateEnum
CREATE TYPE "DriftStatus" AS ENUM ('OK', 'WARN', 'ALERT', 'INSUFFICIENT_DATA');

-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('BUDGET_FORECAST', 'DRIFT', 'LATENCY_SLO');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('WARNING', 'CRITICAL');

-- AlterTable
ALTER TABLE "EndpointVariant" ADD COLUMN     "instanceCount" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "instanceType" TEXT NOT NULL DEFAULT 'local-cpu';

-- AlterTable
ALTER TABLE "RegisteredModel" ADD COLUMN     "driftAlertPsi" DOUBLE PRECISION NOT NULL DEFAULT 0.25,
ADD COLUMN     "driftMinSamples" INTEGER NOT NULL DEFAULT 500,
ADD COLUMN     "driftWarnPsi" DOUBLE PRECISION NOT NULL DEFAULT 0.1;

-- CreateTable
CREATE TABLE "ReferenceProfile" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "sampleSize" INTEGER NOT NULL,
    "binCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReferenceProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReferenceFeature" (
    "id" TEXT NOT NULL,
    "profileId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "FeatureKind" NOT NULL,
    "edges" DOUBLE PRECISION[],
    "categories" TEXT[],
    "proportions" DOUBLE PRECISION[],

    CONSTRAINT "ReferenceFeature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftReport" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "status" "DriftStatus" NOT NULL,
    "worstFeature" TEXT,
    "worstPsi" DOUBLE PRECISION,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DriftReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftFeature" (
    "id" TEXT NOT NULL,
    "reportId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "psi" DOUBLE PRECISION NOT NULL,
    "sampleSize" INTEGER NOT NULL,
    "referenceSize" INTEGER NOT NULL,
    "expectedPsi" DOUBLE PRECISION NOT NULL,
    "status" "DriftStatus" NOT NULL,
    "counts" DOUBLE PRECISION[],

    CONSTRAINT "DriftFeature_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PricedInstanceType" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "target" "DeploymentTargetKind" NOT NULL,
    "hourlyUsd" DECIMAL(12,6) NOT NULL,
    "vcpus" INTEGER,
    "memoryGib" DOUBLE PRECISION,
    "gpus" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT '',
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PricedInstanceType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamBudget" (
    "teamId" TEXT NOT NULL,
    "monthlyUsd" DECIMAL(12,2) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TeamBudget_pkey" PRIMARY KEY ("teamId")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" TEXT NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "teamId" TEXT,
    "endpointId" TEXT,
    "details" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReferenceProfile_versionId_key" ON "ReferenceProfile"("versionId");

-- CreateIndex
CREATE UNIQUE INDEX "ReferenceFeature_profileId_name_key" ON "ReferenceFeature"("profileId", "name");

-- CreateIndex
CREATE INDEX "DriftReport_endpointId_windowEnd_idx" ON "DriftReport"("endpointId", "windowEnd");

-- CreateIndex
CREATE INDEX "DriftReport_versionId_windowEnd_idx" ON "DriftReport"("versionId", "windowEnd");

-- CreateIndex
CREATE UNIQUE INDEX "DriftFeature_reportId_name_key" ON "DriftFeature"("reportId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "PricedInstanceType_name_key" ON "PricedInstanceType"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_dedupeKey_key" ON "Alert"("dedupeKey");

-- CreateIndex
CREATE INDEX "Alert_resolvedAt_createdAt_idx" ON "Alert"("resolvedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "ReferenceProfile" ADD CONSTRAINT "ReferenceProfile_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReferenceFeature" ADD CONSTRAINT "ReferenceFeature_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "ReferenceProfile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftReport" ADD CONSTRAINT "DriftReport_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftReport" ADD CONSTRAINT "DriftReport_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftFeature" ADD CONSTRAINT "DriftFeature_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "DriftReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamBudget" ADD CONSTRAINT "TeamBudget_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
