-- CreateEnum
CREATE TYPE "ServingMode" AS ENUM ('REALTIME', 'ASYNC');

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "sla" JSONB;

-- AlterTable
ALTER TABLE "Promotion" ADD COLUMN     "servingMode" "ServingMode";

