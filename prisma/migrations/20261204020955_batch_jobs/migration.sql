-- CreateEnum
CREATE TYPE "BatchJobStatus" AS ENUM ('QUEUED', 'RUNNING', 'CANCELLING', 'CANCELLED', 'FAILED', 'SUCCEEDED');

-- CreateTable
CREATE TABLE "BatchJob" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "target" "DeploymentTargetKind" NOT NULL DEFAULT 'LOCAL',
    "status" "BatchJobStatus" NOT NULL DEFAULT 'QUEUED',
    "inputArtifactId" TEXT NOT NULL,
    "inputFormat" TEXT NOT NULL,
    "keyColumns" TEXT[],
    "batchSize" INTEGER NOT NULL,
    "maxFailedRows" INTEGER NOT NULL,
    "inputBytes" BIGINT NOT NULL,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "rowsDone" INTEGER NOT NULL DEFAULT 0,
    "rowsFailed" INTEGER NOT NULL DEFAULT 0,
    "rowsAtStart" INTEGER NOT NULL DEFAULT 0,
    "bytesAtStart" BIGINT NOT NULL DEFAULT 0,
    "errorSamples" JSONB NOT NULL DEFAULT '[]',
    "failureReason" TEXT,
    "outputArtifactId" TEXT,
    "externalJobName" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BatchJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchJobPart" (
    "jobId" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "firstRow" INTEGER NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "failedRows" INTEGER NOT NULL,
    "inputEndOffset" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BatchJobPart_pkey" PRIMARY KEY ("jobId","index")
);

-- CreateIndex
CREATE INDEX "BatchJob_versionId_createdAt_idx" ON "BatchJob"("versionId", "createdAt");

-- CreateIndex
CREATE INDEX "BatchJob_status_idx" ON "BatchJob"("status");

-- AddForeignKey
ALTER TABLE "BatchJob" ADD CONSTRAINT "BatchJob_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchJob" ADD CONSTRAINT "BatchJob_inputArtifactId_fkey" FOREIGN KEY ("inputArtifactId") REFERENCES "Artifact"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchJob" ADD CONSTRAINT "BatchJob_outputArtifactId_fkey" FOREIGN KEY ("outputArtifactId") REFERENCES "Artifact"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchJobPart" ADD CONSTRAINT "BatchJobPart_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "BatchJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;
