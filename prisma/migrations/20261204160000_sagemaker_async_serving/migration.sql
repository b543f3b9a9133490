-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "asyncServing" JSONB;

-- AlterTable
ALTER TABLE "AsyncInvocation" ADD COLUMN     "remoteFailureLocation" TEXT,
ADD COLUMN     "remoteSubmittedAt" TIMESTAMP(3),
ADD COLUMN     "remoteOutputLocation" TEXT;

