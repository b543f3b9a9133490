-- CreateEnum
CREATE TYPE "AsyncInvocationStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED');

-- CreateTable
CREATE TABLE "AsyncInvocation" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "status" "AsyncInvocationStatus" NOT NULL DEFAULT 'QUEUED',
    "contentType" TEXT NOT NULL,
    "inputSha256" TEXT NOT NULL,
    "inputBytes" BIGINT NOT NULL,
    "outputSha256" TEXT,
    "outputBytes" BIGINT,
    "rows" INTEGER,
    "served" JSONB NOT NULL DEFAULT '[]',
    "failureReason" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "callbackUrl" TEXT,
    "callbackSecret" TEXT,
    "deliveryStatus" "WebhookDeliveryStatus",
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "deliveryError" TEXT,
    "deliveredAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AsyncInvocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AsyncInvocation_endpointId_createdAt_idx" ON "AsyncInvocation"("endpointId", "createdAt");

-- CreateIndex
CREATE INDEX "AsyncInvocation_status_idx" ON "AsyncInvocation"("status");

-- CreateIndex
CREATE INDEX "AsyncInvocation_deliveryStatus_idx" ON "AsyncInvocation"("deliveryStatus");

-- AddForeignKey
ALTER TABLE "AsyncInvocation" ADD CONSTRAINT "AsyncInvocation_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "Endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

