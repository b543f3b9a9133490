-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "llmShape" JSONB,
ADD COLUMN     "weightBytes" BIGINT;
