-- AlterEnum
ALTER TYPE "DeploymentStatus" ADD VALUE 'ROLLING_BACK' AFTER 'RUNNING';

-- AlterTable
ALTER TABLE "Deployment" DROP COLUMN "previousVariantId",
ADD COLUMN     "priorState" JSONB,
ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "leaseExpiresAt" TIMESTAMP(3);
